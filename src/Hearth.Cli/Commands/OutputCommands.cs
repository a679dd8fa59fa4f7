using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack output list|show</c>.</summary>
internal static class OutputCommands
{
    public static Command Create(CliConsole console)
    {
        var output = new Command("output", "Read a stack's outputs");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };

        var list = new Command("list", "List a stack's outputs");
        var listFormat = OutputFormatOption.Create();
        list.Arguments.Add(stackName);
        list.Options.Add(listFormat);
        list.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var outputs = await engine.GetOutputsAsync(parse.GetRequiredValue(stackName), ct);
                if (parse.GetValue(listFormat) == OutputFormat.Table)
                {
                    await TableWriter.WriteAsync(console.Out, ["Output Key", "Description"], outputs.Select(o => (IReadOnlyList<string>)[o.Key, o.Description ?? ""]));
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(listFormat),
                        outputs.Select(o => HeatViews.Output(o)).Select(m => { m.Remove("output_value"); m.Remove("output_error"); return m; }).ToList());
                }

                return ExitCodes.Success;
            }
        });

        var show = new Command("show", "Show one output's value, or all of them with --all");
        var outputName = new Argument<string?>("OUTPUT") { Description = "The output key", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Show every output" };
        var showFormat = OutputFormatOption.Create();
        show.Arguments.Add(stackName);
        show.Arguments.Add(outputName);
        show.Options.Add(all);
        show.Options.Add(showFormat);
        show.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(outputName);
            if (key is null && !parse.GetValue(all))
            {
                throw new UserErrorException("name the output to show, or pass --all");
            }

            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var outputs = await engine.GetOutputsAsync(parse.GetRequiredValue(stackName), ct);
                var selected = key is null ? outputs : outputs.Where(o => o.Key == key).ToList();
                if (key is not null && selected.Count == 0)
                {
                    throw new UserErrorException($"stack '{parse.GetRequiredValue(stackName)}' has no output '{key}'; outputs: {string.Join(", ", outputs.Select(o => o.Key))}", ExitCodes.NotFound);
                }

                if (parse.GetValue(showFormat) == OutputFormat.Table)
                {
                    if (key is not null)
                    {
                        var only = selected[0];
                        await console.Out.WriteLineAsync(only.Error is null ? HeatViews.Cell(only.Value) : "");
                        if (only.Error is not null)
                        {
                            await console.Error.WriteLineAsync($"output {only.Key}: {only.Error}");
                        }
                    }
                    else
                    {
                        await TableWriter.WriteAsync(console.Out, ["Output Key", "Value"],
                            selected.Select(o => (IReadOnlyList<string>)[o.Key, o.Error is null ? HeatViews.Cell(o.Value) : "error: " + o.Error]));
                    }
                }
                else
                {
                    object? view = key is null ? selected.Select(o => HeatViews.Output(o)).ToList() : HeatViews.Output(selected[0]);
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(showFormat), view);
                }

                return ExitCodes.Success;
            }
        });

        output.Subcommands.Add(list);
        output.Subcommands.Add(show);
        return output;
    }
}
