using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;

namespace Hearth.Engine;

/// <summary>
/// The engine's front door: stack operations (create, update, delete, resume, cancel, preview) and reads
/// (stacks, resources, outputs, events). The CLI and the API server call this; nothing else drives operations.
/// Every operation holds the stack's lock in the store for its whole run, so one stack has one operation at a time.
/// </summary>
public sealed class StackEngine(IStateStore store, ResourceHandlerRegistry handlers, TimeProvider time, EngineOptions options)
{
    private EngineContext Context(IEngineObserver? observer) => new(store, handlers, time, options, observer);

    public ResourceHandlerRegistry Handlers => handlers;

    public async Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        if (StackNames.Problem(name) is { } problem)
        {
            throw new EngineException(EngineErrorKind.InvalidInput, problem);
        }

        if (await store.GetStackByNameAsync(name, cancellationToken) is not null)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"a stack named '{name}' exists already: update it with 'hearth stack update {name}', or pick another name");
        }

        var id = Guid.NewGuid().ToString();
        var definition = Definitions.Load(source, new StackIdentity(name, id, Definitions.ProjectId), handlers, options.Documents);
        var stored = Definitions.Store(source);
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

        return await RunLockedAsync(stack, "create", observer, (runner, s, _, ct) =>
            runner.RunAsync(s, ResourceAction.Create, definition, previous: null, rollbackTo: null, ct), allowInterrupted: false, cancellationToken);
    }

    public async Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        // A stack whose create was rolled back (or cancelled) has no definition: an update with a template creates it again.
        var current = stack.Current;
        var currentSource = current is null ? null : Definitions.Restore(current);
        var newSource = source ?? currentSource ?? throw new EngineException(EngineErrorKind.Conflict, $"stack '{name}' has no definition to update: give a template");
        if (!parameterOverrides.IsDefaultOrEmpty && source is null)
        {
            newSource = newSource.WithParameters(parameterOverrides);
        }

        var identity = Identity(stack);
        var previousDefinition = currentSource is null ? null : Definitions.Load(currentSource, identity, handlers, options.Documents);
        var definition = Definitions.Load(newSource, identity, handlers, options.Documents);
        if (previousDefinition is not null)
        {
            Definitions.CheckImmutableParameters(previousDefinition, definition);
        }

        var sameFiles = currentSource is not null && Definitions.SameFiles(currentSource, newSource);
        stack = stack with
        {
            Previous = current,
            Current = sameFiles && current is not null ? Definitions.StoreWithSameFiles(newSource, current) : Definitions.Store(newSource),
            DisableRollback = disableRollback ?? stack.DisableRollback,
        };
        return await RunLockedAsync(stack, "update", observer, (runner, s, locked, ct) =>
            runner.RunAsync(s, ResourceAction.Update, definition, previousDefinition, previousConverged: sameFiles && IsConvergedOn(locked, current), rollbackTo: previousDefinition, ct),
            allowInterrupted: false, cancellationToken);
    }

    /// <summary>The stack's parameters as a user may see them: hidden ones masked.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetParametersAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        return stack.Current is null
            ? ImmutableSortedDictionary<string, string>.Empty
            : Definitions.Load(Definitions.Restore(stack.Current), Identity(stack), handlers, options.Documents).Parameters.Masked();
    }

    public async Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var current = TryLoad(stack);
        var outcome = await RunLockedAsync(stack, "delete", observer, (runner, s, _, ct) =>
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
        var stack = await GetStackAsync(name, cancellationToken);
        var (kind, target, previous) = Interrupted(stack);
        var outcome = await RunLockedAsync(stack, "resume", observer, (runner, s, _, ct) =>
            runner.RunAsync(s, kind, target, kind == ResourceAction.Rollback ? null : previous, rollbackTo: kind == ResourceAction.Delete ? null : previous, ct), allowInterrupted: true, cancellationToken);
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
        var stack = await GetStackAsync(name, cancellationToken);
        var (kind, target, previous) = Interrupted(stack);
        if (kind == ResourceAction.Rollback)
        {
            // Cancelling a rollback is finishing it: there is nothing before the definition it goes back to.
            return await RunLockedAsync(stack, "cancel", observer, (runner, s, _, ct) =>
                runner.RunAsync(s, ResourceAction.Rollback, target, previous: null, rollbackTo: null, ct), allowInterrupted: true, cancellationToken);
        }

        // A delete keeps the stack's definition as current while it runs (there is no "previous" to go back to): its
        // rollback goes back to that one and keeps it, so the stack it leaves can be updated and deleted again. (A
        // rollback swaps current and previous, which left a cancelled delete's stack with resources and no definition.)
        return await RunLockedAsync(stack, "cancel", observer, (runner, s, _, ct) =>
            runner.RollbackAsync(kind == ResourceAction.Delete ? s with { Previous = s.Current } : s, previous, target, ct), allowInterrupted: true, cancellationToken);
    }

    public async Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken)
    {
        var existing = await store.GetStackByNameAsync(name, cancellationToken);
        var identity = existing is null ? new StackIdentity(name, Guid.Empty.ToString(), Definitions.ProjectId) : Identity(existing);
        var currentSource = existing?.Current is { } c ? Definitions.Restore(c) : null;
        var newSource = source ?? currentSource ?? throw new EngineException(EngineErrorKind.NotFound, $"stack '{name}' not found, and no template was given");
        if (!parameterOverrides.IsDefaultOrEmpty && source is null)
        {
            newSource = newSource.WithParameters(parameterOverrides);
        }

        var definition = Definitions.Load(newSource, identity, handlers, options.Documents);
        var previous = currentSource is null ? null : Definitions.Load(currentSource, identity, handlers, options.Documents);
        var rows = existing is null ? [] : await store.ListResourcesAsync(existing.Id, cancellationToken);
        // A reason may quote a value (a property that cannot be converted): hidden ones never show.
        var hidden = HiddenValues.Of(definition, previous);
        return new PreviewResult(name, [.. Planner.Preview(definition, previous, rows, handlers).Select(c => c with { Reason = hidden.Mask(c.Reason) })]);
    }

    /// <summary>The stack's current definition, or null when it cannot be loaded any more (a delete must still work).</summary>
    private StackDefinition? TryLoad(StackRecord stack) => TryLoad(stack, stack.Current);

    private StackDefinition? TryLoad(StackRecord stack, StoredDefinition? stored)
    {
        try
        {
            return stored is null ? null : Definitions.Load(Definitions.Restore(stored), Identity(stack), handlers, options.Documents);
        }
        catch (EngineException)
        {
            return null;
        }
    }

    // ---- Hooks ----

    /// <summary>The resources of the stack (nested ones as <c>parent/child</c>) paused at a hook now.</summary>
    public async Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var result = new List<PausedHook>();
        await CollectAsync(stack, "");
        return result;

        async Task CollectAsync(StackRecord current, string prefix)
        {
            var events = await store.ListEventsAsync(current.Id, 0, int.MaxValue, includeNested: false, cancellationToken);
            result.AddRange(Breakpoints.Pending(events).Select(p => new PausedHook(prefix + p.Resource, p.Hook, p.Paused.Time)));
            foreach (var child in await store.ListChildStacksAsync(current.Id, cancellationToken))
            {
                await CollectAsync(child, $"{prefix}{child.ParentResourceName}/");
            }
        }
    }

    /// <summary>Releases a resource waiting at a hook (<c>hearth stack hook clear</c>); <c>parent/child</c> names a nested resource.</summary>
    public async Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken)
    {
        var (stack, resource) = await ResolveResourcePathAsync(name, resourcePath, cancellationToken);
        var events = await store.ListEventsAsync(stack.Id, 0, int.MaxValue, includeNested: false, cancellationToken);
        var pending = Breakpoints.Pending(events).FirstOrDefault(p => p.Resource == resource);
        if (pending.Resource is null)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"resource '{resourcePath}' of stack '{name}' is not waiting at a hook ('hearth stack hook list {name}' shows those that are)");
        }

        var cleared = pending.Paused with
        {
            Sequence = 0,
            Id = Guid.NewGuid().ToString(),
            StatusReason = Breakpoints.ClearedReason(pending.Hook),
            Time = time.GetUtcNow(),
            Kind = EventKind.HookCleared,
        };
        await store.AppendEventAsync(cleared, cancellationToken);
        return new PausedHook(resourcePath, pending.Hook, pending.Paused.Time);
    }

    // ---- Signals ----

    /// <summary>
    /// Signals a wait condition handle (<c>hearth stack signal</c>): records the signal as an event of the handle,
    /// where a WaitCondition reads it. <paramref name="data"/> is Heat's <c>{status, reason, data, id}</c> or any value.
    /// </summary>
    public async Task SignalAsync(string name, string resourcePath, object? data, CancellationToken cancellationToken)
    {
        var (stack, resource) = await ResolveResourcePathAsync(name, resourcePath, cancellationToken);
        var row = (await store.ListResourcesAsync(stack.Id, cancellationToken)).FirstOrDefault(r => r.Name == resource && r.IsCurrent)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"stack '{name}' has no resource '{resourcePath}'");
        if (row.Type != "OS::Heat::WaitConditionHandle")
        {
            throw new EngineException(EngineErrorKind.Conflict, $"'{resourcePath}' is a {row.Type}; only OS::Heat::WaitConditionHandle resources take signals");
        }

        var earlier = Resources.Signals.HandleSignals.Read(await store.ListEventsAsync(stack.Id, 0, int.MaxValue, includeNested: false, cancellationToken), resource);
        var signal = Templates.Values.ValueJson.Serialize(Resources.Signals.HandleSignals.Normalise(data, earlier.Count + 1));
        await store.AppendEventAsync(new EventRecord(0, Guid.NewGuid().ToString(), stack.Id, stack.Name, resource, row.PhysicalId, row.Type,
            ResourceAction.Create, OperationStatus.Complete, Resources.Signals.HandleSignals.Reason(signal), time.GetUtcNow(), EventKind.Signal, signal), cancellationToken);
    }

    /// <summary>A resource named in a stack, <c>parent/child</c> for one of a nested stack: its stack and its name there.</summary>
    private async Task<(StackRecord Stack, string Resource)> ResolveResourcePathAsync(string name, string resourcePath, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var parts = resourcePath.Split('/');
        foreach (var parent in parts[..^1])
        {
            stack = (await store.ListChildStacksAsync(stack.Id, cancellationToken)).LastOrDefault(c => c.ParentResourceName == parent)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"'{parent}' in '{resourcePath}' is not a nested stack of stack '{name}'");
        }

        return (stack, parts[^1]);
    }

    // ---- Reads ----

    public async Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken) =>
        await store.GetStackByNameAsync(name, cancellationToken)
        ?? throw new EngineException(EngineErrorKind.NotFound, $"stack '{name}' not found; 'hearth stack list' shows the stacks there are");

    public Task<IReadOnlyList<StackRecord>> ListStacksAsync(CancellationToken cancellationToken) => store.ListStacksAsync(cancellationToken);

    /// <summary>The stack's current resources, as a user may see them (hidden values masked).</summary>
    public async Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var (definition, hidden) = Shown(stack);
        return ShownValues.Resources([.. (await store.ListResourcesAsync(stack.Id, cancellationToken)).Where(r => r.IsCurrent)], definition, hidden);
    }

    /// <summary>
    /// The stack's resources and, down to <paramref name="nestedDepth"/> levels, those of its nested stacks, each with its
    /// stack's name; hidden values masked (the stack's own reach its nested stacks through properties).
    /// </summary>
    public async Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var (definition, hidden) = Shown(stack);
        var result = new List<StackResource>();
        await CollectAsync(stack, nestedDepth, definition);
        return result;

        async Task CollectAsync(StackRecord current, int depth, StackDefinition? currentDefinition)
        {
            var children = depth > 0 ? (await store.ListChildStacksAsync(current.Id, cancellationToken)).ToDictionary(c => c.Id) : [];
            var rows = (await store.ListResourcesAsync(current.Id, cancellationToken)).Where(r => r.IsCurrent).ToList();
            foreach (var row in ShownValues.Resources(rows, currentDefinition, hidden))
            {
                result.Add(new StackResource(current.Name, row));
                if (row.PhysicalId is { } id && children.TryGetValue(id, out var child))
                {
                    await CollectAsync(child, depth - 1, null);
                }
            }
        }
    }

    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        return await store.ListEventsAsync(stack.Id, afterSequence, limit, includeNested: true, cancellationToken);
    }

    /// <summary>The stack's outputs, evaluated from stored attributes (so they are the same after a rollback as before the update).</summary>
    public async Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        if (stack.Current is null)
        {
            return [];
        }

        var definition = Definitions.Load(Definitions.Restore(stack.Current), Identity(stack), handlers, options.Documents);
        var resources = new RuntimeResources(handlers);
        foreach (var row in await store.ListResourcesAsync(stack.Id, cancellationToken))
        {
            if (row.IsCurrent)
            {
                resources.Set(row);
            }
        }

        return ShownValues.Outputs(definition, resources, HiddenValues.Of(definition, TryLoad(stack, stack.Previous)));
    }

    /// <summary>The stack's dependency graph: each enabled resource, its type, status and what it depends on.</summary>
    public async Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        if (stack.Current is null)
        {
            return [];
        }

        var definition = Definitions.Load(Definitions.Restore(stack.Current), Identity(stack), handlers, options.Documents);
        var rows = (await store.ListResourcesAsync(stack.Id, cancellationToken)).Where(r => r.IsCurrent).ToDictionary(r => r.Name, StringComparer.Ordinal);
        return definition.EnabledResources
            .Select(r => new GraphNode(r.Name, definition.ResolvedType(r), definition.DependenciesOf(r),
                rows.TryGetValue(r.Name, out var row) ? HeatStatus.Format(row.Action, row.Status) : null))
            .ToList();
    }

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
    /// What reads of a stack mask: the hidden values of its current definition and of the one before it (whose values
    /// the rows of a failed or rolled-back update may still hold).
    /// </summary>
    private (StackDefinition? Current, HiddenValues Hidden) Shown(StackRecord stack)
    {
        var current = TryLoad(stack);
        return (current, HiddenValues.Of(current, TryLoad(stack, stack.Previous)));
    }

    private static StackIdentity Identity(StackRecord stack) => new(stack.Name, stack.Id, Definitions.ProjectId);

    /// <summary>
    /// Whether every current row of the stack (as read under its lock) holds what <paramref name="definition"/> evaluates
    /// to: its last operation completed, converging to that definition. A failed or interrupted one may have left rows
    /// behind; another process may have changed the definition since it was read.
    /// </summary>
    private static bool IsConvergedOn(StackRecord locked, StoredDefinition? definition) =>
        definition is not null
        && locked is { Status: OperationStatus.Complete, Action: ResourceAction.Create or ResourceAction.Update or ResourceAction.Rollback }
        && locked.Current == definition;

    private (ResourceAction Kind, StackDefinition? Target, StackDefinition? Previous) Interrupted(StackRecord stack)
    {
        if (stack.Status != OperationStatus.InProgress)
        {
            throw new EngineException(EngineErrorKind.Conflict,
                $"stack '{stack.Name}' is {HeatStatus.Format(stack.Action, stack.Status)}: there is no interrupted operation to resume or cancel");
        }

        var identity = Identity(stack);
        var target = stack.Current is null ? null : Definitions.Load(Definitions.Restore(stack.Current), identity, handlers, options.Documents);
        var previous = stack.Previous is null ? null : Definitions.Load(Definitions.Restore(stack.Previous), identity, handlers, options.Documents);
        return stack.Action switch
        {
            ResourceAction.Delete => (ResourceAction.Delete, null, target),
            // A rollback records the definition it goes back to as current (and the failed one as previous): resuming
            // it, or cancelling it, finishes it toward that one. (It used to converge to the failed definition.)
            ResourceAction.Rollback => (ResourceAction.Rollback, target, target),
            var kind => (kind, target, previous),
        };
    }

    private async Task<OperationOutcome> RunLockedAsync(
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
        if (attempt is LockAttempt.Held held)
        {
            throw new EngineException(EngineErrorKind.Busy,
                $"stack '{stack.Name}' is busy: '{held.Holder.Operation}' is running in process {held.Holder.ProcessId} on {held.Holder.Host} since {held.Holder.AcquiredAt:u}");
        }

        try
        {
            var fresh = await store.GetStackAsync(stack.Id, CancellationToken.None) ?? stack;
            if (!allowInterrupted && fresh.Status == OperationStatus.InProgress && operation != "create")
            {
                throw new EngineException(EngineErrorKind.Busy,
                    $"stack '{stack.Name}' was interrupted during {HeatStatus.ToHeatString(fresh.Action)} (the process running it died): run 'hearth stack resume {stack.Name}' to finish it or 'hearth stack cancel {stack.Name}' to roll it back");
            }

            // A resume or cancel follows a process that died mid-operation: what it left running outside (a deployment's
            // script, in a session of its own) is stopped before anything runs, so it never runs beside the work that
            // redoes or undoes it, nor goes on after the stack says it is settled.
            var stopped = allowInterrupted && fresh.Status == OperationStatus.InProgress
                ? await StopLeftoversAsync(cancellationToken)
                : [];
            var runner = new OperationRunner(Context(observer))
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
        foreach (var transport in handlers.All.Select(h => h.ActionTransport).OfType<Execution.IDeploymentTransport>().Distinct())
        {
            stopped.AddRange(await transport.StopOrphansAsync(cancellationToken));
        }

        return stopped;
    }
}
