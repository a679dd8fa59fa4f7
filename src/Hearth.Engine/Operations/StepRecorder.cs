using System.Threading.Channels;
using Hearth.Engine.Failures;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine.Operations;

/// <summary>
/// Follows an operation's steps from "queued in the store" to "committed", in the order they were recorded, and tells
/// the observer about each once it is committed (with its event's sequence number). The store commits transitions in
/// the order they were queued, so a step can be recorded without waiting (a store-only resource's step): whoever waits
/// for a later step — before acting outside the store — waits for it too, and learns if it failed.
/// </summary>
internal sealed class StepRecorder : IAsyncDisposable
{
    private readonly EngineContext _engine;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _follower;
    private Exception? _failure;

    public StepRecorder(EngineContext engine)
    {
        _engine = engine;

        // Started by the first step: an operation that records nothing leaves nothing running.
        _follower = new Lazy<Task>(() => Task.Run(FollowAsync));
    }

    /// <summary>The first write that failed, if any did: the operation cannot succeed, as the state lacks a step.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Follows a write queued in the store (call it right after queueing, so the two orders agree). The task completes
    /// once the write and every one recorded before it are committed and observed; it fails if this write failed, or
    /// with <see cref="ResourceFailedException"/> if an earlier one did (nothing may act outside on a state that lacks
    /// a step).
    /// </summary>
    public Task Follow(Task<long?> write, EventRecord? stepEvent)
    {
        var pending = new Pending(write, stepEvent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("a step was recorded after the operation ended");
        }

        _ = _follower.Value;

        // A failure reaches the operation through Failure; a caller that does not wait must not leave it unobserved.
        _ = pending.Done.Task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return pending.Done.Task;
    }

    /// <summary>Waits until everything recorded so far is committed and observed (fails as <see cref="Follow"/>).</summary>
    public Task FlushAsync() => Follow(Task.FromResult<long?>(null), null);

    /// <summary>Waits until everything recorded is committed and observed; nothing may be recorded after.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_follower.IsValueCreated)
        {
            await _follower.Value;
        }
    }

    private async Task FollowAsync()
    {
        await foreach (var pending in _queue.Reader.ReadAllAsync())
        {
            long? sequence;
            try
            {
                sequence = await pending.Write;
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
                pending.Done.TrySetException(e);
                continue;
            }

            if (pending.Event is { } stepEvent)
            {
                _engine.Observer?.OnEvent(stepEvent with { Sequence = sequence ?? 0 });
                _engine.Options.StepRecorded?.Invoke();
            }

            if (Failure is { } earlier)
            {
                pending.Done.TrySetException(new ResourceFailedException(FailureKind.StateStore, $"the state store could not record an earlier step: {earlier.Message}"));
            }
            else
            {
                pending.Done.TrySetResult();
            }
        }
    }

    private sealed record Pending(Task<long?> Write, EventRecord? Event, TaskCompletionSource Done);
}
