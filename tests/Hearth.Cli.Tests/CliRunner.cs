namespace Hearth.Cli.Tests;

/// <summary>What one in-process run of the <c>hearth</c> command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the real command line in-process (<see cref="Program.RunAsync"/>), capturing stdout and stderr.</summary>
public static class CliRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <param name="stop">What Ctrl+C cancels in the real program.</param>
    /// <param name="args">The command line.</param>
    public static async Task<CliResult> RunAsync(CancellationToken stop, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr);
        var exit = await Program.RunAsync(args, console, stop).WaitAsync(Timeout);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs as on a terminal, with <paramref name="typed"/> as what the user types (a confirmation's answer).</summary>
    public static async Task<CliResult> RunOnTerminalAsync(string typed, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(typed);
        var console = new CliConsole(stdout, stderr, isTerminal: true, input);
        var exit = await Program.RunAsync(args, console).WaitAsync(Timeout);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root (where Hearth.slnx is).</summary>
    public static string RepositoryRoot => Repository.Root;
}
