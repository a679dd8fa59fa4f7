using Hearth.Engine.Failures;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine.Operations;

/// <summary>
/// Writes an operation's steps: each transition of a row is saved with its event (hidden values masked) and put in the
/// operation's <see cref="ResourceRows"/>. A step that starts acting outside the store is committed before the caller
/// acts; other steps are queued and committed in order (<see cref="StepRecorder"/>).
/// </summary>
internal sealed class StepWriter(EngineContext engine, StackRecord stack, ResourceRows rows, Func<string, string> mask) : IAsyncDisposable
{
    private readonly StepRecorder _recorder = new(engine);
    private readonly RowIds _rowIds = new(engine.Store);

    /// <summary>The first write that failed, if any: the operation cannot succeed, as the state lacks a step.</summary>
    public Exception? Failure => _recorder.Failure;

    /// <summary>Waits until every step so far is committed and observed.</summary>
    public Task FlushAsync() => _recorder.FlushAsync();

    /// <summary>Waits until every step is committed and observed; nothing may be written after.</summary>
    public ValueTask DisposeAsync() => _recorder.DisposeAsync();

    /// <summary>
    /// Records the step that starts acting on a resource: saved with its event in one transaction, and committed before
    /// this returns unless the resource lives only in the store (then nothing outside can tell it was begun).
    /// </summary>
    public async Task<ResourceRecord> StartAsync(ResourceHandler? handler, ResourceRecord row)
    {
        var saved = await WithIdAsync(row);
        var storeOnly = handler is { IsStoreOnly: true };
        saved = Record(saved, commitNow: !storeOnly, out var committed, failure: null);
        if (!storeOnly)
        {
            await committed;
        }

        return saved;
    }

    /// <summary>A new row gets its id before its first step, from the ids the store reserved (<see cref="RowIds"/>).</summary>
    public async ValueTask<ResourceRecord> WithIdAsync(ResourceRecord row) => row.Id == 0 ? row with { Id = await _rowIds.NextAsync() } : row;

    /// <summary>
    /// Records a step without waiting for its commit: the step that ends acting on a resource (if the process dies
    /// before it is committed, the resource is still in progress, and a resume does the step again). Whatever later
    /// waits for its own step to be committed waits for this one too. A failed step's event carries its failure.
    /// </summary>
    public ResourceRecord Record(ResourceRecord row, Failure? failure = null) => Record(row, commitNow: false, out _, failure);

    /// <summary>
    /// Commits a replacement once the new instance exists: it becomes current and the old one waits for clean-up. The
    /// switch is recorded even when the operation is being cancelled.
    /// </summary>
    public async Task<ResourceRecord> SwitchToAsync(ResourceRecord replacement, ResourceRecord replaced)
    {
        replacement = Record(replacement);
        await engine.Store.SetCurrentResourceAsync(replacement.Id, CancellationToken.None);
        var old = replaced with { IsCurrent = false, ReplacedById = replacement.Id };
        await engine.Store.SaveResourceAsync(old, CancellationToken.None);
        rows.Put(old);
        replacement = replacement with { IsCurrent = true };
        rows.Put(replacement);
        return replacement;
    }

    /// <summary>A rollback makes <paramref name="restorable"/> (an instance <paramref name="current"/> replaced) current again, untouched.</summary>
    public async Task RestoreAsync(ResourceRecord current, ResourceRecord restorable)
    {
        await engine.Store.SetCurrentResourceAsync(restorable.Id, CancellationToken.None);
        rows.Put(current with { IsCurrent = false });
        Record(restorable with
        {
            IsCurrent = true,
            ReplacedById = null,
            Action = ResourceAction.Rollback,
            Status = OperationStatus.Complete,
            StatusReason = $"restored (it was replaced by {current.PhysicalId ?? current.Name})",
        });
    }

    /// <summary>The row is deleted: its DELETE_COMPLETE event and the row's removal are queued together.</summary>
    public void Deleted(ResourceRecord row, ResourceRecord deleting, string reason)
    {
        var deletedEvent = Event(deleting with { Status = OperationStatus.Complete, StatusReason = reason }, failure: null);
        _ = _recorder.Follow(engine.Store.QueueResourceDeletedAsync(row.Id, deletedEvent), deletedEvent);
        rows.Remove(row);
    }

    private ResourceRecord Record(ResourceRecord row, bool commitNow, out Task committed, Failure? failure)
    {
        if (row.Id == 0)
        {
            throw new InvalidOperationException($"a new row of {row.Name} is recorded before it has an id");
        }

        var stamped = row with { UpdatedAt = engine.Time.GetUtcNow() };
        var evt = Event(stamped, failure);

        // Steps are recorded even when the operation is being cancelled: the state must know what happened.
        var write = commitNow ? engine.Store.RecordResourceAsync(stamped, evt, CancellationToken.None) : engine.Store.QueueResourceAsync(stamped, evt);
        committed = _recorder.Follow(EventSequenceAsync(write), evt);
        rows.Put(stamped);
        return stamped;

        static async Task<long?> EventSequenceAsync(Task<ResourceTransition> transition) => (await transition).EventSequence;
    }

    /// <summary>
    /// A row's step as an event; a failed step's carries its failure as data. Hidden parameter values never reach events,
    /// even when an error message quotes a value (a property that could not be converted, a script's stderr).
    /// </summary>
    private EventRecord Event(ResourceRecord row, Failure? failure) => new(
        0,
        Guid.NewGuid().ToString(),
        stack.Id,
        stack.Name,
        row.Name,
        row.PhysicalId,
        row.Type,
        row.Action,
        row.Status,
        mask(row.StatusReason),
        engine.Time.GetUtcNow(),
        failure is null ? EventKind.Status : EventKind.Failed,
        failure is null ? null : FailureJson.Serialize(failure.Masked(mask)));
}
