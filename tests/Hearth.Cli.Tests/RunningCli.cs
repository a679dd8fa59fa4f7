namespace Hearth.Cli.Tests;

/// <summary>
/// A <c>hearth</c> command running in-process whose output a test reads while it runs (<c>--follow</c>), and can stop as
/// Ctrl+C does.
/// </summary>
public sealed class RunningCli : IDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    // Writes through it lock it (MethodImplOptions.Synchronized), so reading under the same lock sees whole writes.
    private readonly TextWriter _lockedOut;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _exit;

    private RunningCli(string[] args)
    {
        // Synchronized: the command writes from its own task while the test reads.
        _lockedOut = TextWriter.Synchronized(_out);
        var console = new CliConsole(_lockedOut, TextWriter.Synchronized(_error));
        _exit = Task.Run(() => Program.RunAsync(args, console, _stop.Token));
    }

    public static RunningCli Start(params string[] args) => new(args);

    /// <summary>The complete lines printed to stdout so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            string text;
            lock (_lockedOut)
            {
                text = _out.ToString();
            }

            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
    }

    public bool HasEnded => _exit.IsCompleted;

    /// <summary>Stops the command as Ctrl+C does.</summary>
    public Task StopAsync() => _stop.CancelAsync();

    /// <summary>Waits (bounded) for the command to end by itself.</summary>
    public async Task<CliResult> EndAsync()
    {
        var exit = await _exit.WaitAsync(CliRunner.Timeout);
        lock (_lockedOut)
        {
            return new CliResult(exit, _out.ToString(), _error.ToString());
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
