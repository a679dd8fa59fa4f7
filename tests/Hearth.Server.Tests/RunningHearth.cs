using Hearth.Cli;

namespace Hearth.Server.Tests;

/// <summary>A <c>hearth</c> command running in-process (<see cref="Program.RunAsync"/>) whose stdout a test reads while it runs (<c>--follow</c>).</summary>
internal sealed class RunningHearth
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    // Writes through it lock it (MethodImplOptions.Synchronized), so reading under the same lock sees whole writes.
    private readonly TextWriter _lockedOut;
    private readonly Task<int> _exit;

    private RunningHearth(string state, string[] args)
    {
        _lockedOut = TextWriter.Synchronized(_out);
        var console = new CliConsole(_lockedOut, TextWriter.Synchronized(_error));
        _exit = Task.Run(() => Program.RunAsync(["--state", state, .. args], console));
    }

    public static RunningHearth Start(string state, params string[] args) => new(state, args);

    /// <summary>What it printed to stdout so far.</summary>
    public string Out
    {
        get
        {
            lock (_lockedOut)
            {
                return _out.ToString();
            }
        }
    }

    /// <summary>Waits (bounded) for the command to end.</summary>
    public async Task<(int ExitCode, string Out, string Error)> EndAsync()
    {
        var exit = await _exit.WaitAsync(TestTimeouts.Default);
        return (exit, Out, _error.ToString());
    }
}
