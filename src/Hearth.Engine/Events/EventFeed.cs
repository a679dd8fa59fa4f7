using System.Runtime.CompilerServices;
using Hearth.State;

namespace Hearth.Engine.Events;

/// <summary>What one read of a feed found: the events (at most a page), and whether they were all there was.</summary>
/// <param name="Events">New events, oldest first; empty when a wake-up found nothing.</param>
/// <param name="CaughtUp">True when the reader has everything committed so far: a place to check whether to stop.</param>
public sealed record EventPage(IReadOnlyList<EventRecord> Events, bool CaughtUp);

/// <summary>
/// A live view of events: replays what the store holds after a sequence number, then streams what is committed later,
/// each event once and in order (resuming after the last sequence number a reader saw gives exactly what it missed).
/// It wakes when the store signals a commit (<see cref="IStateStore.Commits"/>: this process's writes, or other
/// processes' where the store hears them), and otherwise looks every <see cref="PollInterval"/>, which is how a CLI
/// sees an operation another process runs on the same SQLite file.
/// </summary>
/// <remarks>
/// Every reader reads the store a page at a time, so a reader holds at most one page in memory and a slow one never holds
/// back, or grows a buffer for, anyone else: it falls behind and catches up from the store at its own pace. Readers of
/// the same feed at the same place share the read (<see cref="SharedPageReads"/>): many live views of one operation cost
/// the store one read per commit, not one each. Any part of the engine may make a feed over its store.
/// </remarks>
public sealed class EventFeed(IStateStore store, TimeProvider time, TimeSpan? pollInterval = null)
{
    /// <summary>How often a reader looks for commits it was not told about (other processes' on SQLite).</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The most events a reader holds at once.</summary>
    public const int PageSize = 500;

    public TimeSpan PollInterval { get; } = pollInterval ?? DefaultPollInterval;

    private readonly SharedPageReads _reads = new(store, PageSize);

    /// <summary>
    /// Pages as Server-Sent Events, made once per page for every reader that shares its read
    /// (<see cref="ServerSentEvents"/>): fifty streams of one operation encode each event once, not fifty times.
    /// </summary>
    internal ConditionalWeakTable<IReadOnlyList<EventRecord>, byte[]> SseMessages { get; } = new();

    /// <summary>
    /// Pages of the events of <paramref name="scope"/> after <paramref name="afterSequence"/>: full pages while replaying,
    /// then a page per wake-up, which may be empty. Never ends by itself: the reader stops (or cancels) when it has what
    /// it waits for.
    /// </summary>
    public async IAsyncEnumerable<EventPage> ReadAsync(
        EventScope scope,
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = afterSequence;
        var polled = false;
        while (true)
        {
            // Taken before the read, so a commit between the read and the wait wakes the wait.
            var committed = store.Commits.Next;
            var events = await _reads.ReadAsync(scope, after, committed, lookAgain: polled, cancellationToken);
            if (events.Count > 0)
            {
                after = events[^1].Sequence;
            }

            var caughtUp = events.Count < PageSize;
            yield return new EventPage(events, caughtUp);
            polled = false;
            if (caughtUp)
            {
                await WaitAsync(committed, cancellationToken);
                polled = !committed.IsCompleted;
            }
        }
    }

    /// <summary>Until the store signals a commit or the poll interval passes.</summary>
    private async Task WaitAsync(Task committed, CancellationToken cancellationToken)
    {
        // The timer is stopped when a commit comes first: many readers woken often leave no timers behind.
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(PollInterval, time, poll.Token);
        await Task.WhenAny(committed, timer);
        await poll.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The events of <paramref name="scope"/> after <paramref name="afterSequence"/> committed so far, then the end.</summary>
    public IAsyncEnumerable<EventRecord> ReplayAsync(EventScope scope, long afterSequence, CancellationToken cancellationToken) =>
        EventsAsync(scope, afterSequence, untilCaughtUp: true, cancellationToken);

    /// <summary>The events of <paramref name="scope"/> after <paramref name="afterSequence"/>, one by one, until cancelled.</summary>
    public IAsyncEnumerable<EventRecord> WatchAsync(EventScope scope, long afterSequence, CancellationToken cancellationToken) =>
        EventsAsync(scope, afterSequence, untilCaughtUp: false, cancellationToken);

    private async IAsyncEnumerable<EventRecord> EventsAsync(
        EventScope scope,
        long afterSequence,
        bool untilCaughtUp,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in ReadAsync(scope, afterSequence, cancellationToken))
        {
            foreach (var evt in page.Events)
            {
                yield return evt;
            }

            if (untilCaughtUp && page.CaughtUp)
            {
                yield break;
            }
        }
    }
}
