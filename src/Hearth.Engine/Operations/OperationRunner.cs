using Hearth.Engine.Failures;
using Hearth.State;
using Hearth.Templates.Stacks;

namespace Hearth.Engine.Operations;

/// <summary>
/// Runs one stack-level operation: records the stack's status and the operation in the journal, converges, and on
/// failure rolls back (unless the stack disables rollback) by converging to the definition it had before.
/// </summary>
internal sealed class OperationRunner(EngineContext engine)
{
    /// <summary>Said after "Stack ACTION started" in the operation's first event (what a resume stopped before it began).</summary>
    public string? StartNote { get; init; }

    public Task<OperationOutcome> RunAsync(
        StackRecord stack,
        ResourceAction kind,
        StackDefinition? target,
        StackDefinition? previous,
        StackDefinition? rollbackTo,
        CancellationToken cancellationToken) =>
        RunAsync(stack, kind, target, previous, previousConverged: false, rollbackTo, hiddenFrom: null, cancellationToken);

    /// <param name="stack">The stack, with the definitions it will have.</param>
    /// <param name="kind">The operation.</param>
    /// <param name="target">The definition to converge to (null: delete every resource).</param>
    /// <param name="previous">The definition the stack had.</param>
    /// <param name="previousConverged">
    /// The stack's last operation completed on <paramref name="previous"/> with the same files, so every current row holds
    /// what it evaluates to: resources whose inputs did not change are skipped.
    /// </param>
    /// <param name="rollbackTo">What a failure rolls back to (null: nothing, after a failed create).</param>
    /// <param name="hiddenFrom">
    /// A definition the stack's resources may still hold values of though it is neither target nor previous (the failed
    /// one, when a rollback is resumed): its hidden values are hidden in the events too.
    /// </param>
    /// <param name="cancellationToken">The user's Ctrl+C.</param>
    public async Task<OperationOutcome> RunAsync(
        StackRecord stack,
        ResourceAction kind,
        StackDefinition? target,
        StackDefinition? previous,
        bool previousConverged,
        StackDefinition? rollbackTo,
        StackDefinition? hiddenFrom,
        CancellationToken cancellationToken)
    {
        var (operation, started) = await StartAsync(stack, kind);
        stack = started;
        bool succeeded;
        var failures = new List<Failure>();
        try
        {
            succeeded = await operation.RunAsync(target, previous, previousConverged, hiddenFrom, cancellationToken);
            failures.AddRange(operation.Failures);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            succeeded = false;
            failures.AddRange(operation.Failures);
        }

        if (!succeeded && failures.Count == 0 && cancellationToken.IsCancellationRequested)
        {
            // Stopped before anything failed: only steps not yet started were left out.
            failures.Add(Failure.CancelledByUser());
        }

        if (succeeded)
        {
            var done = await FinishAsync(stack, OperationStatus.Complete, $"Stack {HeatStatus.ToHeatString(kind)} completed successfully", operation.OperationId);
            return new OperationOutcome(done, true, [], false) { Outputs = OutputsOf(target, operation) };
        }

        var reason = Summarize(failures);
        var failed = await FinishAsync(stack, OperationStatus.Failed, reason, operation.OperationId);
        var rollBack = !stack.DisableRollback && kind is ResourceAction.Create or ResourceAction.Update;
        if (!rollBack)
        {
            return new OperationOutcome(failed, false, [.. failures], false);
        }

        // A user's Ctrl+C stops the forward operation; the rollback still runs to the end (a second Ctrl+C kills the
        // process, and 'hearth stack cancel' finishes the rollback later).
        var rolledBack = await RollbackAsync(failed, rollbackTo, target, CancellationToken.None);
        return rolledBack with { Failures = [.. failures, .. rolledBack.Failures], RolledBack = true, Succeeded = false, Outputs = null };
    }

    /// <summary>Converges the stack back to <paramref name="to"/> (null: no resources, after a failed create).</summary>
    /// <param name="stack">The stack as the failed operation left it.</param>
    /// <param name="to">The definition to go back to.</param>
    /// <param name="from">
    /// The definition rolled back from: what its resources run as they are deleted or updated back holds its hidden
    /// values, which the rollback's events hide too.
    /// </param>
    /// <param name="cancellationToken">Stops starting new steps.</param>
    public async Task<OperationOutcome> RollbackAsync(StackRecord stack, StackDefinition? to, StackDefinition? from, CancellationToken cancellationToken)
    {
        var restored = stack with { Current = stack.Previous, Previous = stack.Current };
        var (operation, started) = await StartAsync(restored, ResourceAction.Rollback);
        bool succeeded;
        try
        {
            succeeded = await operation.RunAsync(to, previous: null, previousConverged: false, hiddenFrom: from, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            succeeded = false;
        }

        // After a rollback the stack holds its old definition again; the failed one is not kept as "previous".
        var final = started with { Previous = null };
        if (succeeded)
        {
            var done = await FinishAsync(final, OperationStatus.Complete, "Stack ROLLBACK completed successfully", operation.OperationId);
            return new OperationOutcome(done, true, [], true) { Outputs = OutputsOf(to, operation) };
        }

        var failed = await FinishAsync(final, OperationStatus.Failed, "Rollback failed: " + Summarize(operation.Failures), operation.OperationId);
        return new OperationOutcome(failed, false, [.. operation.Failures], true);
    }

    /// <summary>The outputs of the definition the operation converged to, from the resources as it left them, as a user may see them.</summary>
    private static IReadOnlyList<OutputValue> OutputsOf(StackDefinition? definition, StackOperation operation) =>
        definition is null ? [] : ShownValues.Outputs(definition, operation.Resources, operation.Hidden);

    private async Task<(StackOperation Operation, StackRecord Stack)> StartAsync(StackRecord stack, ResourceAction kind)
    {
        var operationId = Guid.NewGuid().ToString();
        var now = engine.Time.GetUtcNow();
        var started = stack with
        {
            Action = kind,
            Status = OperationStatus.InProgress,
            StatusReason = StartNote is null ? $"Stack {HeatStatus.ToHeatString(kind)} started" : $"Stack {HeatStatus.ToHeatString(kind)} started; {StartNote}",
            OperationId = operationId,
            UpdatedAt = now,
        };
        await RecordStackAsync(started);
        await engine.Store.StartOperationAsync(new OperationRecord(operationId, stack.Id, kind, OperationState.Running, "{}", now, null), CancellationToken.None);
        var operation = new StackOperation(engine, started, operationId, kind);
        // The operation is recorded as started: it loads its rows even if a stop request came meanwhile, and then stops.
        await operation.LoadAsync(CancellationToken.None);
        return (operation, started);
    }

    private async Task<StackRecord> FinishAsync(StackRecord stack, OperationStatus status, string reason, string operationId)
    {
        var now = engine.Time.GetUtcNow();
        var finished = stack with { Status = status, StatusReason = reason, UpdatedAt = now };
        await RecordStackAsync(finished);
        var record = await engine.Store.GetOperationAsync(operationId, CancellationToken.None);
        if (record is not null)
        {
            await engine.Store.UpdateOperationAsync(
                record with { State = status == OperationStatus.Complete ? OperationState.Completed : OperationState.Failed, EndedAt = now },
                CancellationToken.None);
        }

        return finished;
    }

    private async Task RecordStackAsync(StackRecord stack)
    {
        var evt = new EventRecord(0, Guid.NewGuid().ToString(), stack.Id, stack.Name, stack.Name, stack.Id, "OS::Heat::Stack",
            stack.Action, stack.Status, stack.StatusReason, engine.Time.GetUtcNow());
        var sequence = await engine.Store.RecordStackAsync(stack, evt, CancellationToken.None);
        engine.Observer?.OnEvent(evt with { Sequence = sequence ?? 0 });
    }

    /// <summary>The stack's status reason: the first failure as text, and how many more there were.</summary>
    private static string Summarize(IEnumerable<Failure> failures)
    {
        var list = failures.Select(f => f.ToString()).Distinct().ToList();
        return list.Count switch
        {
            0 => "the operation failed",
            1 => list[0],
            _ => $"{list[0]} (and {list.Count - 1} more)",
        };
    }
}
