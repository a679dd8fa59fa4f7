using System.CommandLine;
using Hearth.Engine;
using Hearth.Templates.Values;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack signal NAME RESOURCE [--data JSON]</c>: signal a wait condition handle (from a script, or by hand).</summary>
internal static class SignalCommands
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("signal", "Signal a wait condition handle: success by default, or {\"status\": \"FAILURE\", \"reason\": ...}");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };
        var resource = new Argument<string>("RESOURCE") { Description = "The handle (nested resources as parent/child)" };
        var data = new Option<string?>("--data") { Description = "The signal as JSON: {\"status\": \"SUCCESS\"|\"FAILURE\", \"reason\": \"...\", \"data\": ..., \"id\": \"...\"}" };
        command.Arguments.Add(stackName);
        command.Arguments.Add(resource);
        command.Options.Add(data);
        command.SetAction(async (parse, ct) =>
        {
            object? payload = null;
            if (parse.GetValue(data) is { Length: > 0 } text)
            {
                try
                {
                    payload = ValueJson.Deserialize(text);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new UserErrorException($"--data is not valid JSON: {e.Message}");
                }
            }

            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                await engine.SignalAsync(parse.GetRequiredValue(stackName), parse.GetRequiredValue(resource), payload, ct);
                await console.Error.WriteLineAsync($"Signal sent to {parse.GetRequiredValue(resource)}.");
                return ExitCodes.Success;
            }
        });
        return command;
    }
}
