namespace Hearth.Execution.Hosts;

/// <summary>
/// Runs one program on a server and reports how it ended: the channel that config hooks which drive a tool on the
/// server (docker-cmd drives podman) share across transports. The local transport runs the program on this machine;
/// the SSH transport runs it on the target over the host's shared connection. Arguments are passed as an argv, never
/// as shell text, so nothing in them is interpreted; a secret goes in <see cref="HostCommand.StandardInput"/>, never in
/// an argument (argv is visible to every user of the server through ps).
/// </summary>
public interface ICommandHost
{
    /// <summary>Names the server in messages ("this machine", "ssh deploy@10.0.0.5:22").</summary>
    string Description { get; }

    /// <summary>
    /// Runs <paramref name="command"/> and waits for it to end. Cancelling <paramref name="ct"/> kills it (and what it
    /// started) and throws <see cref="OperationCanceledException"/>. A program that ran and failed is a result with
    /// its exit code, not an exception; <see cref="HostUnreachableException"/> means it could not be started at all.
    /// </summary>
    Task<HostCommandResult> RunAsync(HostCommand command, CancellationToken ct);
}

/// <summary>A program to run on a server.</summary>
/// <param name="Arguments">argv: the program first (looked up on the server's PATH), then its arguments.</param>
/// <param name="StandardInput">Written to the program's stdin, which is then closed; null gives it an empty stdin.</param>
/// <param name="Environment">Added to the program's environment (the server's login environment on SSH).</param>
public sealed record HostCommand(
    IReadOnlyList<string> Arguments,
    string? StandardInput = null,
    IReadOnlyDictionary<string, string>? Environment = null);

/// <summary>How a <see cref="HostCommand"/> ended. Output is kept whole up to a bound the host chooses and documents.</summary>
public sealed record HostCommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>The server could not be reached or the program could not be started there (no command ran).</summary>
public sealed class HostUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
