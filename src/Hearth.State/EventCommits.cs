namespace Hearth.State;

/// <summary>
/// Tells readers that events may have been committed, so a live view wakes at once instead of on its next poll. A store
/// signals its own commits; a store that hears other processes' commits (PostgreSQL's LISTEN/NOTIFY) signals those too.
/// A wake-up promises nothing: the reader looks in the store, and may find nothing new.
/// </summary>
public sealed class EventCommits
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>
    /// Completes at the next commit after this call. Take it before reading the store, then wait on it only if the read
    /// found nothing new: a commit between the two is not missed.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every reader waiting on <see cref="Next"/>; called after the commit is visible to readers.</summary>
    public void Signal() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    // Continuations run on the thread pool, never inside the committing call.
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
