using System.Collections.Concurrent;

namespace Hearth.Testing;

/// <summary>
/// Collects the exceptions of faulted tasks nobody awaited (<see cref="TaskScheduler.UnobservedTaskException"/>): a
/// failure the code under test dropped on the floor. <see cref="HearthTestFramework"/> fails the run when any appear.
/// </summary>
public static class UnobservedTaskExceptions
{
    private static readonly ConcurrentQueue<Exception> s_seen = new();
    private static int s_watching;

    /// <summary>Starts collecting (once per process; later calls do nothing).</summary>
    public static void Watch()
    {
        if (Interlocked.Exchange(ref s_watching, 1) == 0)
        {
            TaskScheduler.UnobservedTaskException += (_, e) =>
            {
                s_seen.Enqueue(e.Exception);
                e.SetObserved();
            };
        }
    }

    /// <summary>
    /// Everything collected so far, after a full collection and the finalizers that follow it: a faulted task reports
    /// its exception only when it is finalized, so without this the last ones would go unseen.
    /// </summary>
    public static IReadOnlyList<Exception> Collect()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return [.. s_seen];
    }
}

/// <summary>Raised at the end of a test run in which tasks failed unobserved; lists what they threw.</summary>
public sealed class UnobservedTaskExceptionsException(IReadOnlyList<Exception> exceptions)
    : AggregateException(
        $"{exceptions.Count} task(s) failed and nobody observed it (an exception lost to a fire-and-forget task or an un-awaited Task): fix the code that dropped them",
        exceptions);
