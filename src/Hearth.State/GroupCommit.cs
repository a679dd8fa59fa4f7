using System.Collections.Concurrent;

namespace Hearth.State;

/// <summary>A row to save (or, when <see cref="Resource"/> is null, the id of a row to delete) and its event.</summary>
internal sealed record PendingTransition(ResourceRecord? Resource, long DeletedResourceId, EventRecord? Event)
{
    public TaskCompletionSource<ResourceTransition> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Group commit: every caller queues its transition; whoever holds the connection next writes everything queued,
/// oldest first, in one transaction per batch. A caller's task completes once its own transition is committed, so
/// "recorded before acted on" holds while a wide graph pays one commit per batch instead of per step; and anything
/// queued after a transition commits with it or after it, so a caller that does not wait at once still knows the
/// order in which its steps become durable. It knows no SQL: a store gives it the gate of its connection and a
/// function that writes one batch in one transaction.
/// </summary>
/// <remarks>
/// A caller that needs its transition now starts a flush only if none is waiting for the connection yet; the others
/// just wait for theirs. Each taking the connection in turn to find its transition already written cost a thread
/// hop apiece: ten deployments starting together waited up to 60 ms for their IN_PROGRESS on a busy machine.
/// </remarks>
/// <param name="gate">Admits one call at a time to the store's connection; held while a batch is written.</param>
/// <param name="writeBatch">
/// Writes a batch in one transaction, in order, and returns each one's result. Where <c>superseded[i]</c>, only the
/// event of item i is written: the same batch writes its row again later.
/// </param>
/// <param name="translate">Turns a write's failure into the exception its caller gets.</param>
internal sealed class GroupCommit(
    SemaphoreSlim gate,
    Func<IReadOnlyList<PendingTransition>, bool[], Task<IReadOnlyList<ResourceTransition>>> writeBatch,
    Func<Exception, Exception> translate)
{
    private const int MaxTransitionBatch = 512;

    /// <summary>How long a lazily queued transition may wait for others to share its commit.</summary>
    private static readonly TimeSpan LazyCommitDelay = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentQueue<PendingTransition> _pendingTransitions = new();
    private readonly Lock _queueing = new();
    private PendingTransition? _lastQueued;
    private int _lazyTransitions;
    private int _commitScheduled;
    private int _flushRequested;
    private bool _closed;

    public Task<ResourceTransition> QueueAsync(PendingTransition pending, bool commitNow, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_queueing)
        {
            // Together, so that the last queued is always the last in the queue (see WhenQueuedCommittedAsync).
            _pendingTransitions.Enqueue(pending);
            _lastQueued = pending;
        }

        if (commitNow || Interlocked.Increment(ref _lazyTransitions) >= MaxTransitionBatch)
        {
            FlushNow();
        }
        else if (Interlocked.Exchange(ref _commitScheduled, 1) == 0)
        {
            _ = FlushAsync(LazyCommitDelay);
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Completes once everything queued before the call is committed (or has failed), starting the flush at once: a read
    /// on another connection then sees it, as "committed with the next call to the store" promises, without taking the
    /// writer's gate or waiting for what is queued after it.
    /// </summary>
    public async Task WhenQueuedCommittedAsync()
    {
        PendingTransition? last;
        lock (_queueing)
        {
            last = _lastQueued;
        }

        if (last is null || last.Done.Task.IsCompleted)
        {
            return;
        }

        FlushNow();

        // Batches are written oldest first, so the last one done means all before it are; its failure is its caller's.
        await ((Task)last.Done.Task).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Writes everything queued, oldest first. Called with the gate held.</summary>
    public async Task WritePendingAsync()
    {
        while (!_pendingTransitions.IsEmpty)
        {
            var batch = new List<PendingTransition>();
            while (batch.Count < MaxTransitionBatch && _pendingTransitions.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            await WriteTransitionsAsync(batch);
        }
    }

    /// <summary>Writes what is queued and takes no more: later flushes fail their transitions. Called with the gate held.</summary>
    public async Task CloseAsync()
    {
        await WritePendingAsync();
        _closed = true;
    }

    /// <summary>Starts a flush unless one is already waiting for the connection (which will write everything queued).</summary>
    private void FlushNow()
    {
        Interlocked.Exchange(ref _lazyTransitions, 0);
        if (Interlocked.Exchange(ref _flushRequested, 1) == 0)
        {
            _ = FlushAsync(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Writes what is queued, after <paramref name="delay"/> (a lazy commit shares its transaction with whatever comes
    /// meanwhile). It runs on the caller's thread as far as the connection is free.
    /// </summary>
    private async Task FlushAsync(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, CancellationToken.None);
            Interlocked.Exchange(ref _commitScheduled, 0);
            Interlocked.Exchange(ref _lazyTransitions, 0);
        }

        await gate.WaitAsync(CancellationToken.None);
        try
        {
            // Reset once the connection is ours: a transition queued from here on starts a flush of its own (which waits
            // for this one), and every one queued before is written below.
            Interlocked.Exchange(ref _flushRequested, 0);
            if (_closed)
            {
                // CloseAsync wrote what was queued before it; whatever came after can no longer be written.
                while (_pendingTransitions.TryDequeue(out var late))
                {
                    late.Done.TrySetException(new ObjectDisposedException(nameof(IStateStore)));
                }

                return;
            }

            await WritePendingAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes a batch in one transaction; if that fails, each one alone, so one bad row fails only its own caller.</summary>
    private async Task WriteTransitionsAsync(List<PendingTransition> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // A row saved again (or deleted) later in the same transaction need only be written the last time: a
            // store-only resource's IN_PROGRESS and COMPLETE usually share a batch. Its event is still written.
            var superseded = new bool[batch.Count];
            var laterRows = new HashSet<long>();
            for (var i = batch.Count - 1; i >= 0; i--)
            {
                var id = batch[i].Resource?.Id ?? batch[i].DeletedResourceId;
                var writtenLater = id != 0 && !laterRows.Add(id);
                superseded[i] = writtenLater && batch[i].Resource is not null;
            }

            var results = await writeBatch(batch, superseded);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var item in batch)
            {
                await WriteTransitionsAsync([item]);
            }
        }
        catch (Exception exception)
        {
            batch[0].Done.TrySetException(translate(exception));
        }
    }
}
