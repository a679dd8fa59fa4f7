namespace Hearth.Cli;

// The one place that touches the process console; everything else writes through CliConsole.
#pragma warning disable RS0030

public static class Program
{
    /// <summary>The exit code of a bug (EX_SOFTWARE), never of a user's mistake.</summary>
    public const int InternalError = 70;

    public static async Task<int> Main(string[] args)
    {
        var console = new CliConsole(Console.Out, Console.Error, !Console.IsErrorRedirected, Console.In);
        using var signals = new StopSignals(Console.Error, System.Environment.Exit, () => HearthCommandLine.ResumeOrCancel(args, console));
        try
        {
            return await new HearthCommandLine(console).RunAsync(args, signals.Token);
        }
        catch (Exception e)
        {
            // Only bugs get here (user errors are messages with their own exit codes): say so, with the details to report.
            await console.Error.WriteLineAsync($"hearth: internal error, a bug in Hearth (please report it with what follows):{System.Environment.NewLine}{e}");
            return InternalError;
        }
    }

    /// <summary>Runs one command line: the entry point of in-process tests.</summary>
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default) =>
        new HearthCommandLine(console).RunAsync(args, cancellationToken);
}
