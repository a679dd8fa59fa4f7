using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine;

/// <summary>
/// The stack's lock in the store, held by an operation for its whole run, so one stack has one operation at a time;
/// and what a dead holder left behind (an interrupted operation, processes still running outside).
/// </summary>
internal sealed class OperationLock(IStateStore store, ResourceHandlerRegistry handlers, TimeProvider time, EngineOptions options)
{
    /// <summary>How long an operation waits for a holder whose stack reads settled (see <see cref="RunLockedAsync"/>).</summary>
    private static readonly TimeSpan SettlingWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan SettlingPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Is the stack in the middle of an operation whose process died?</summary>
    public async Task<LockOwner?> FindDeadHolderAsync(StackRecord stack, CancellationToken cancellationToken)
    {
        if (stack.Status != OperationStatus.InProgress)
        {
            return null;
        }

        var holder = await store.GetLockHolderAsync(stack.Id, cancellationToken);
        return holder is null || !ProcessLiveness.IsAlive(holder) ? holder ?? new LockOwner("", 0, 0, "", stack.UpdatedAt ?? stack.CreatedAt, "") : null;
    }

    /// <summary>
    /// Runs <paramref name="run"/> holding the stack's lock, with the stack as the lock found it; refuses a busy stack
    /// (after waiting up to 3 s for a holder whose stack reads settled, as one does between writing its final status and
    /// letting go), and an interrupted one unless <paramref name="allowInterrupted"/> (a resume or cancel).
    /// </summary>
    public async Task<OperationOutcome> RunLockedAsync(
        StackRecord stack,
        string operation,
        IEngineObserver? observer,
        Func<OperationRunner, StackRecord, StackRecord, CancellationToken, Task<OperationOutcome>> run,
        bool allowInterrupted,
        CancellationToken cancellationToken)
    {
        var owner = ProcessLiveness.CreateLocalOwner(operation, time);
        // Not cancellable: a create has recorded its stack already, and a stop request from here on must end in its
        // rollback (the operation starts nothing new and rolls back), not leave the stack unlocked in progress.
        var attempt = await store.TryAcquireLockAsync(stack.Id, owner, ProcessLiveness.IsAlive, CancellationToken.None);
        var waiting = time.GetTimestamp();
        // A holder whose stack does not read in progress is settling: it has written its final status (a client that saw
        // CREATE_COMPLETE may act on it at once) and is about to let go, or it took the lock and is about to say it
        // started. Wait for either rather than refuse a stack that reads settled.
        while (attempt is LockAttempt.Held
            && time.GetElapsedTime(waiting) < SettlingWait
            && await store.GetStackAsync(stack.Id, CancellationToken.None) is { Status: not OperationStatus.InProgress })
        {
            await Task.Delay(SettlingPoll, time, CancellationToken.None);
            attempt = await store.TryAcquireLockAsync(stack.Id, owner, ProcessLiveness.IsAlive, CancellationToken.None);
        }

        if (attempt is LockAttempt.Held held)
        {
            throw new EngineException(EngineErrorKind.Busy,
                $"stack '{stack.Name}' is busy: '{held.Holder.Operation}' is running in process {held.Holder.ProcessId} on {held.Holder.Host} since {held.Holder.AcquiredAt:u}",
                suggestion: new SuggestedAction(SuggestedActionKind.WaitOrStop, stack.Name));
        }

        try
        {
            var fresh = await store.GetStackAsync(stack.Id, CancellationToken.None) ?? stack;
            if (!allowInterrupted && fresh.Status == OperationStatus.InProgress && operation != "create")
            {
                throw new EngineException(EngineErrorKind.Busy,
                    $"stack '{stack.Name}' was interrupted during {HeatStatus.ToHeatString(fresh.Action)} (the process running it died)",
                    suggestion: new SuggestedAction(SuggestedActionKind.ResumeOrCancel, stack.Name));
            }

            // A resume or cancel follows a process that died mid-operation: what it left running outside (a deployment's
            // script, in a session of its own) is stopped before anything runs, so it never runs beside the work that
            // redoes or undoes it, nor goes on after the stack says it is settled.
            var stopped = allowInterrupted && fresh.Status == OperationStatus.InProgress
                ? await StopLeftoversAsync(cancellationToken)
                : [];
            var runner = new OperationRunner(new EngineContext(store, handlers, time, options, observer))
            {
                StartNote = stopped.Count == 0 ? null : "stopped " + string.Join("; ", stopped),
            };
            return await run(runner, stack with { OperationId = fresh.OperationId }, fresh, cancellationToken);
        }
        finally
        {
            await store.ReleaseLockAsync(stack.Id, owner.OwnerId, CancellationToken.None);
        }
    }

    private async Task<List<string>> StopLeftoversAsync(CancellationToken cancellationToken)
    {
        var stopped = new List<string>();
        // Types share a transport (deployments and structured deployments run through the same one): ask each once.
        foreach (var transport in handlers.All.Select(h => h.ActionTransport).OfType<Execution.DeploymentTransports>().Distinct())
        {
            stopped.AddRange(await transport.StopOrphansAsync(cancellationToken));
        }

        return stopped;
    }
}
