using System.CommandLine;
using Hearth.Execution.Ssh;
using Hearth.State;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth ssh-broker</c> (hidden): the state folder's SSH session broker (<see cref="SshSessionBroker"/>). An engine
/// starts it, detached, the first time it reaches a host over SSH; it is not meant to be run by hand.
/// </summary>
internal static class SshBrokerCommand
{
    public const string Name = "ssh-broker";

    public static Command Create(CliConsole console)
    {
        var command = new Command(Name, "Keep the state folder's SSH dispatcher sessions between hearth commands (started by hearth itself)")
        {
            Hidden = true,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (OperatingSystem.IsWindows())
            {
                throw new UserErrorException("the SSH session broker runs on Linux and macOS only");
            }

            var directory = StateLocation.Resolve(parse.GetValue(GlobalOptions.State), System.Environment.GetEnvironmentVariables());
            await new SshSessionBroker(directory, TimeProvider.System)
            {
                Log = message => console.Error.WriteLine($"hearth ssh-broker: {TimeProvider.System.GetUtcNow():u} {message}"),
            }.RunAsync(ct);
            return ExitCodes.Success;
        });
        return command;
    }
}
