using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;

namespace Hearth.Engine;

/// <summary>The operations that change a stack: create, update, delete, resume, cancel; and preview, which says what an update would do.</summary>
internal sealed class StackOperations(
    IStateStore store,
    ResourceHandlerRegistry handlers,
    TimeProvider time,
    StoredDefinitions definitions,
    StackQueries queries,
    OperationLock operationLock)
{
    public async Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        if (StackNames.Problem(name) is { } problem)
        {
            throw new EngineException(EngineErrorKind.InvalidInput, problem);
        }

        if (await store.GetStackByNameAsync(name, cancellationToken) is not null)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"a stack named '{name}' exists already",
                suggestion: new SuggestedAction(SuggestedActionKind.UpdateStack, name));
        }

        var id = Guid.NewGuid().ToString();
        var definition = definitions.Load(source, new StackIdentity(name, id, Definitions.ProjectId));
        var stored = Definitions.Store(source, definition.Template.Description);
        var now = time.GetUtcNow();
        var stack = new StackRecord(id, name, null, null, ResourceAction.Create, OperationStatus.InProgress, "Stack CREATE started",
            now, null, stored, null, disableRollback, null);
        try
        {
            await store.CreateStackAsync(stack, cancellationToken);
        }
        catch (StackAlreadyExistsException)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"a stack named '{name}' exists already");
        }

        return await operationLock.RunLockedAsync(stack, "create", observer, (runner, s, _, ct) =>
            runner.RunAsync(s, ResourceAction.Create, definition, previous: null, rollbackTo: null, ct), allowInterrupted: false, cancellationToken);
    }

    public async Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        // A stack whose create was rolled back (or cancelled) has no definition: an update with a template creates it again.
        var current = stack.Current;
        var currentSource = current is null ? null : Definitions.Restore(current);
        var newSource = WithOverrides(source ?? currentSource ?? throw new EngineException(EngineErrorKind.Conflict, $"stack '{name}' has no definition to update: give a template"), source, parameterOverrides);

        var identity = StoredDefinitions.Identity(stack);
        var previousDefinition = currentSource is null ? null : definitions.Load(currentSource, identity);
        var definition = definitions.Load(newSource, identity);
        if (previousDefinition is not null)
        {
            Definitions.CheckImmutableParameters(previousDefinition, definition);
        }

        var sameFiles = currentSource is not null && Definitions.SameFiles(currentSource, newSource);
        stack = stack with
        {
            Previous = current,
            Current = sameFiles && current is not null ? Definitions.StoreWithSameFiles(newSource, current, definition.Template.Description) : Definitions.Store(newSource, definition.Template.Description),
            DisableRollback = disableRollback ?? stack.DisableRollback,
        };
        return await operationLock.RunLockedAsync(stack, "update", observer, (runner, s, locked, ct) =>
            runner.RunAsync(s, ResourceAction.Update, definition, previousDefinition, previousConverged: sameFiles && IsConvergedOn(locked, current), rollbackTo: previousDefinition, hiddenFrom: null, ct),
            allowInterrupted: false, cancellationToken);
    }

    public async Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        var current = definitions.TryLoad(stack);
        var outcome = await operationLock.RunLockedAsync(stack, "delete", observer, (runner, s, _, ct) =>
            runner.RunAsync(s, ResourceAction.Delete, target: null, previous: current, rollbackTo: null, ct), allowInterrupted: false, cancellationToken);
        if (outcome.Succeeded)
        {
            await store.DeleteStackAsync(stack.Id, cancellationToken);
        }

        return outcome;
    }

    /// <summary>Continues an operation whose process died: converges to the definition it was applying.</summary>
    public async Task<OperationOutcome> ResumeAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        var (kind, target, previous, failed) = Interrupted(stack);
        var outcome = await operationLock.RunLockedAsync(stack, "resume", observer, (runner, s, _, ct) =>
            runner.RunAsync(s, kind, target, kind == ResourceAction.Rollback ? null : previous, previousConverged: false,
                rollbackTo: kind == ResourceAction.Delete ? null : previous, hiddenFrom: failed, ct), allowInterrupted: true, cancellationToken);
        if (kind == ResourceAction.Delete && outcome.Succeeded)
        {
            // A finished delete removes the stack, whichever process finished it.
            await store.DeleteStackAsync(stack.Id, cancellationToken);
        }

        return outcome;
    }

    /// <summary>Rolls back an interrupted operation: converges to the definition the stack had before it.</summary>
    public async Task<OperationOutcome> CancelAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        var (kind, target, previous, failed) = Interrupted(stack);
        if (kind == ResourceAction.Rollback)
        {
            // Cancelling a rollback is finishing it: there is nothing before the definition it goes back to.
            return await operationLock.RunLockedAsync(stack, "cancel", observer, (runner, s, _, ct) =>
                runner.RunAsync(s, ResourceAction.Rollback, target, previous: null, previousConverged: false, rollbackTo: null, hiddenFrom: failed, ct),
                allowInterrupted: true, cancellationToken);
        }

        // A delete keeps the stack's definition as current while it runs (there is no "previous" to go back to): its
        // rollback goes back to that one and keeps it, so the stack it leaves can be updated and deleted again. (A
        // rollback swaps current and previous, which left a cancelled delete's stack with resources and no definition.)
        return await operationLock.RunLockedAsync(stack, "cancel", observer, (runner, s, _, ct) =>
            runner.RollbackAsync(kind == ResourceAction.Delete ? s with { Previous = s.Current } : s, previous, target, ct), allowInterrupted: true, cancellationToken);
    }

    public async Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken)
    {
        var existing = await store.GetStackByNameAsync(name, cancellationToken);
        var identity = existing is null ? new StackIdentity(name, Guid.Empty.ToString(), Definitions.ProjectId) : StoredDefinitions.Identity(existing);
        var currentSource = existing?.Current is { } c ? Definitions.Restore(c) : null;
        var newSource = WithOverrides(source ?? currentSource ?? throw new EngineException(EngineErrorKind.NotFound, $"stack '{name}' not found, and no template was given"), source, parameterOverrides);

        var definition = definitions.Load(newSource, identity);
        var previous = currentSource is null ? null : definitions.Load(currentSource, identity);
        var rows = existing is null ? [] : await store.ListResourcesAsync(existing.Id, cancellationToken);
        // A reason may quote a value (a property that cannot be converted): hidden ones never show.
        var hidden = HiddenValues.Of(definition, previous);
        return new PreviewResult(name, [.. Planner.Preview(definition, previous, rows, handlers).Select(c => c with { Reason = hidden.Mask(c.Reason) })]);
    }

    /// <summary>
    /// The stored definition with <c>--parameter</c> overrides (when no new template was given). They make a definition
    /// that was never captured: it is checked as a new template would be, before anything is recorded.
    /// </summary>
    private DefinitionSource WithOverrides(DefinitionSource newSource, DefinitionSource? given, ImmutableArray<string> overrides)
    {
        if (overrides.IsDefaultOrEmpty || given is not null)
        {
            return newSource;
        }

        newSource = newSource.WithParameters(overrides);
        definitions.Validate(newSource);
        return newSource;
    }

    /// <summary>
    /// Whether every current row of the stack (as read under its lock) holds what <paramref name="definition"/> evaluates
    /// to: its last operation completed, converging to that definition. A failed or interrupted one may have left rows
    /// behind; another process may have changed the definition since it was read.
    /// </summary>
    private static bool IsConvergedOn(StackRecord locked, StoredDefinition? definition) =>
        definition is not null
        && locked is { Status: OperationStatus.Complete, Action: ResourceAction.Create or ResourceAction.Update or ResourceAction.Rollback }
        && locked.Current == definition;

    /// <returns>
    /// The operation to finish, toward <c>Target</c> from <c>Previous</c>; for a rollback also the definition that failed
    /// (<c>Failed</c>), whose values its resources may still hold: its hidden ones stay hidden in the events.
    /// </returns>
    private (ResourceAction Kind, StackDefinition? Target, StackDefinition? Previous, StackDefinition? Failed) Interrupted(StackRecord stack)
    {
        // A rollback that failed (a server it had to undo something on was unreachable) is finished like an interrupted
        // one, once the cause is gone.
        if (stack.Status != OperationStatus.InProgress && stack is not { Action: ResourceAction.Rollback, Status: OperationStatus.Failed })
        {
            throw new EngineException(EngineErrorKind.Conflict,
                $"stack '{stack.Name}' is {HeatStatus.Format(stack.Action, stack.Status)}: there is no interrupted operation to resume or cancel");
        }

        var target = stack.Current is null ? null : definitions.Load(stack, stack.Current);
        var previous = stack.Previous is null ? null : definitions.Load(stack, stack.Previous);
        return stack.Action switch
        {
            ResourceAction.Delete => (ResourceAction.Delete, null, target, null),
            // A rollback records the definition it goes back to as current (and the failed one as previous): resuming
            // it, or cancelling it, finishes it toward that one. (It used to converge to the failed definition.)
            ResourceAction.Rollback => (ResourceAction.Rollback, target, target, previous),
            var kind => (kind, target, previous, null),
        };
    }
}
