using System.Runtime.Versioning;
using System.Text;
using Hearth.Execution.Hosts;

namespace Hearth.Execution.Local;

/// <summary>
/// Runs programs on this machine for config hooks (docker-cmd's podman): the program is looked up on the engine's
/// PATH and started in a session of its own with the host's base environment plus the command's, in <c>/</c>; stdout
/// and stderr are kept up to <see cref="MaxCapturedBytes"/> each (the tail). Cancelling kills the whole session.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LocalCommandHost(ChildMonitor monitor, TimeProvider timeProvider) : ICommandHost
{
    /// <summary>How long to wait for a killed program to be reaped before giving up on it.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    public int MaxCapturedBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The environment programs start from (then the command's own): the host's choice, which leaves out Hearth's own
    /// credentials in a server (<see cref="LocalTransportOptions.Environment"/>), else this process's.
    /// </summary>
    public IReadOnlyDictionary<string, string> BaseEnvironment { get; init; } = EngineEnvironment.Variables;

    /// <summary>After the program exits, how long to wait for its stdout and stderr to close.</summary>
    public TimeSpan OutputDrainGrace { get; init; } = TimeSpan.FromSeconds(5);

    public string Description => "this machine";

    public async Task<HostCommandResult> RunAsync(HostCommand command, CancellationToken ct)
    {
        if (command.Arguments.Count == 0)
        {
            throw new ArgumentException("A command needs at least the program", nameof(command));
        }

        ct.ThrowIfCancellationRequested();
        var environment = new Dictionary<string, string>(BaseEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in command.Environment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var file = Resolve(command.Arguments[0], environment.GetValueOrDefault("PATH"))
            ?? throw new HostUnreachableException($"'{command.Arguments[0]}' is not on the PATH of {Description}");
        ScriptProcess process;
        try
        {
            var stdin = command.StandardInput is { } text ? Encoding.UTF8.GetBytes(text) : null;
            process = ScriptProcess.Start(monitor, file, command.Arguments, environment, "/", MaxCapturedBytes, stdin);
        }
        catch (ScriptStartException e)
        {
            throw new HostUnreachableException($"Could not start {file} on {Description}: {e.Message}", e);
        }

        try
        {
            await process.Exited.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await ProcessSession.KillAsync(process.Pid, timeProvider);
            await Task.WhenAny(process.Exited, Task.Delay(KillWait, timeProvider, CancellationToken.None));
            throw;
        }

        try
        {
            await process.OutputClosed.WaitAsync(OutputDrainGrace, timeProvider, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Something the program started in the background (podman's conmon) still holds the pipes.
            process.StopReading();
        }

        await process.StandardInputWritten;
        return new HostCommandResult(await process.Exited, process.Stdout.ToText(), process.Stderr.ToText());
    }

    private static string? Resolve(string program, string? path)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return program;
        }

        return (path ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }
}
