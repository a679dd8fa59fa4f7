using System.Runtime.InteropServices;

namespace Hearth.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM ask the command to stop, as docs/engine.md promises: the first cancels
/// <see cref="Token"/> (nothing new starts, running actions stop, an operation rolls back to the end); the second ends
/// the process at once with <see cref="ExitCodes.StackBusy"/>, which leaves a running operation interrupted for
/// <c>hearth stack resume</c> or <c>cancel</c>. Either signal counts toward both, so SIGINT after SIGTERM ends it too.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TextWriter _error;
    private readonly Action<int> _exit;
    private readonly Func<string> _resumeOrCancel;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    /// <param name="error">Where the signal is acknowledged (a synchronized writer: signals arrive on their own thread).</param>
    /// <param name="exit">Ends the process at once with an exit code.</param>
    /// <param name="resumeOrCancel">The commands that finish or roll back an operation the process leaves interrupted.</param>
    public StopSignals(TextWriter error, Action<int> exit, Func<string> resumeOrCancel)
    {
        _error = error;
        _exit = exit;
        _resumeOrCancel = resumeOrCancel;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _stop.Token;

    private void Handle(PosixSignalContext context)
    {
        // The process ends when Hearth says so, never by the runtime's default for the signal.
        context.Cancel = true;
        var name = context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM";
        if (Interlocked.Increment(ref _received) == 1)
        {
            // Said for every command (a '--follow' as much as an update): the operation's own events tell of its rollback.
            _error.WriteLine($"hearth: {name} received: stopping. Press Ctrl+C again to end at once (an operation is then left interrupted).");
            // The token's callbacks and the continuations they release run on the thread pool, not on the signal's
            // thread, so none of them can throw out of the handler or hold up a second signal.
            _ = _stop.CancelAsync();
            return;
        }

        _error.WriteLine($"hearth: {name} received again: ended at once. An operation it ran is left interrupted: {_resumeOrCancel()}.");
        _error.Flush();
        _exit(ExitCodes.StackBusy);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
