using System.Collections.Concurrent;
using Hearth.State;

namespace Hearth.Engine.Events;

/// <summary>
/// Readers of a feed at the same place share one read of the store: fifty SSE clients following a create wake on the
/// same commit, after the same sequence number, and each reading the same page itself queued fifty reads on the store's
/// one connection, ahead of the commits they were waiting for (a 10,000-resource create took 6 s instead of 1.7 s, and
/// clients saw events 8 s late). A read is shared while no commit came since it started, and a full page for good (events
/// are only ever appended after the newest, <see cref="IStateStore.Commits"/>); a reader woken by its poll rather than by
/// a commit reads a short page again, since what it looks for (another process's commits) signals nothing here.
/// </summary>
/// <remarks>
/// Holds at most <see cref="MaxPages"/> pages, the most recently started, so a slow reader replaying old history finds its
/// page gone and reads the store itself, as before: it never makes the others keep anything for it.
/// </remarks>
internal sealed class SharedPageReads(IStateStore store, int pageSize)
{
    public const int MaxPages = 32;

    private readonly ConcurrentDictionary<(EventScope Scope, long After), Read> _reads = new();
    private readonly ConcurrentQueue<(EventScope Scope, long After)> _started = new();

    /// <summary>
    /// The page of <paramref name="scope"/> after <paramref name="afterSequence"/>, as current as a read started after
    /// <paramref name="committed"/> (the store's <see cref="EventCommits.Next"/>, taken before calling) would be; with
    /// <paramref name="lookAgain"/> (a reader woken by its poll, not by a commit), as current as a read started now.
    /// </summary>
    public async Task<IReadOnlyList<EventRecord>> ReadAsync(EventScope scope, long afterSequence, Task committed, bool lookAgain, CancellationToken cancellationToken)
    {
        var key = (scope, afterSequence);
        if (!_reads.TryGetValue(key, out var read) || !read.IsCurrent(lookAgain ? null : committed, pageSize))
        {
            // Not the reader's token: another reader may be waiting for the same read.
            read = new Read(committed, scope.ListAsync(store, afterSequence, pageSize, CancellationToken.None));
            _reads[key] = read;
            _started.Enqueue(key);
            while (_started.Count > MaxPages && _started.TryDequeue(out var oldest))
            {
                if (_reads.TryGetValue(oldest, out var old) && old != read)
                {
                    _reads.TryRemove(new KeyValuePair<(EventScope, long), Read>(oldest, old));
                }
            }
        }

        try
        {
            return await read.Events.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed read is nobody's to reuse: the next reader tries the store again.
            _reads.TryRemove(new KeyValuePair<(EventScope, long), Read>(key, read));
            throw;
        }
    }

    private sealed class Read(Task committedBefore, Task<IReadOnlyList<EventRecord>> events)
    {
        public Task<IReadOnlyList<EventRecord>> Events => events;

        /// <summary>No commit since it started, or it found a full page, which later commits never change.</summary>
        public bool IsCurrent(Task? committed, int pageSize) =>
            committed == committedBefore || (events.IsCompletedSuccessfully && events.GetAwaiter().GetResult().Count == pageSize);
    }
}
