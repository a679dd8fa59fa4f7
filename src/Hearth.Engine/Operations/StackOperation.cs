using System.Collections.Concurrent;
using Hearth.Engine.Failures;
using Hearth.Engine.Graph;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// Converges one stack's resources to a target definition, the one algorithm behind create, update, rollback,
/// resume, cancel and delete:
/// <list type="number">
/// <item>Converge: every resource of the target, in dependency order and in parallel, is created, updated in
/// place, replaced (create-before-delete: the new instance is created and made current, the old one is kept) or
/// left alone. Each step is recorded in the store, and committed before anything outside the store acts on it.</item>
/// <item>Clean up: once everything converged, instances no longer wanted (removed resources, replaced old
/// instances) are deleted in reverse dependency order. So dependents already point at the replacement when the
/// old instance goes: nothing is down in between.</item>
/// </list>
/// On the first failure no new step starts, running steps finish, and the operation reports failure; the caller
/// decides on rollback, which is another convergence toward the previous definition.
/// </summary>
internal sealed class StackOperation
{
    private readonly EngineContext _engine;
    private readonly ResourceAction _action;
    private readonly ResourceRows _rows;
    private readonly StepWriter _steps;
    private readonly ResourceActions _actions;
    private readonly ConcurrentDictionary<string, ChangeKind> _changed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Failure> _failures = new();
    private StackDefinition? _hookSource;
    private UnchangedResources _unchanged = UnchangedResources.None;
    private HiddenValues _hidden = HiddenValues.None;

    public StackOperation(EngineContext engine, StackRecord stack, string operationId, ResourceAction action)
    {
        _engine = engine;
        _action = action;
        Stack = stack;
        OperationId = operationId;
        _rows = new ResourceRows(engine.Handlers);
        _steps = new StepWriter(engine, stack, _rows, Mask);
        _actions = new ResourceActions(engine, stack, operationId, action, _rows, _steps);
    }

    public StackRecord Stack { get; }

    public string OperationId { get; }

    /// <summary>Why the operation failed, one per failed resource (masked).</summary>
    public IReadOnlyCollection<Failure> Failures => _failures;

    /// <summary>The resources changed so far, by name, for <c>replace_on_change_of</c> and the summary.</summary>
    public IReadOnlyDictionary<string, ChangeKind> Changed => _changed;

    public async Task LoadAsync(CancellationToken cancellationToken) =>
        _rows.Load(await _engine.Store.ListResourcesAsync(Stack.Id, cancellationToken));

    /// <summary>What the definitions of this operation hide, for what it shows.</summary>
    public HiddenValues Hidden => _hidden;

    /// <summary>The lookup functions use to read this stack's resources (outputs are evaluated with it).</summary>
    public RuntimeResources Resources => _rows.Current;

    /// <summary>Converges to <paramref name="target"/> (null: no resources, as delete does) and cleans up. True when everything succeeded.</summary>
    /// <param name="target">The definition to converge to.</param>
    /// <param name="previous">The definition the stack had (for <c>replace_on_change_of</c> parameters and hooks).</param>
    /// <param name="previousConverged">
    /// Every current row is known to hold what <paramref name="previous"/> evaluates to, so resources whose inputs did not
    /// change are skipped (<see cref="UnchangedResources"/>).
    /// </param>
    /// <param name="hiddenFrom">A rollback's failed definition, whose hidden values its events hide too.</param>
    /// <param name="cancellationToken">Stops starting new steps.</param>
    public async Task<bool> RunAsync(StackDefinition? target, StackDefinition? previous, bool previousConverged, StackDefinition? hiddenFrom, CancellationToken cancellationToken)
    {
        // Deletions check the hooks of the environment they run under: the target's, or (deleting a stack) its current one's.
        _hookSource = target ?? previous;
        _hidden = HiddenValues.Of(target, previous, hiddenFrom);
        AnnounceStart();
        if (previousConverged && target is not null && previous is not null)
        {
            _unchanged = UnchangedResources.Find(target, previous, _rows.Current.Get);
        }

        bool succeeded;
        try
        {
            succeeded = (target is null || await ConvergeAsync(target, previous, cancellationToken))
                && await CleanUpAsync(target?.EnabledResources.Select(r => r.Name).ToHashSet(StringComparer.Ordinal) ?? [], cancellationToken);
        }
        finally
        {
            // Steps recorded without waiting are committed before the operation reports anything.
            await _steps.DisposeAsync();
        }

        if (_steps.Failure is { } failure)
        {
            Fail(new Failure(FailureKind.StateStore, $"the state store could not record a step: {failure.Message}"));
            return false;
        }

        return succeeded;
    }

    /// <summary>Tells each current resource's handler that the operation starts (servers start connecting).</summary>
    private void AnnounceStart()
    {
        foreach (var row in _rows.All.Where(r => r.IsCurrent))
        {
            // The state is read only by the handlers that look (its properties are parsed then, once: deployments read the same).
            _engine.Handlers.Find(row.Type)?.OperationStarting(() => _rows.Current.GetState(row.Name) ?? RowMapping.ToState(row));
        }
    }

    private async Task<bool> ConvergeAsync(StackDefinition target, StackDefinition? previous, CancellationToken cancellationToken)
    {
        var definitions = target.EnabledResources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var runner = new GraphRunner<string>(_engine.Options.MaxParallel);
        var outcomes = await runner.RunAsync(
            _unchanged.ToVisit(definitions.Keys),
            name => target.DependenciesOf(definitions[name]),
            (name, ct) => ConvergeResourceAsync(target, previous, definitions[name], ct),
            cancellationToken,
            name => Starting(target, definitions[name]));
        return outcomes.Values.All(o => o == NodeOutcome.Succeeded);
    }

    private IDisposable? Starting(StackDefinition target, ResourceDefinition definition)
    {
        var type = target.ResolvedType(definition);
        try
        {
            return _engine.Handlers.Find(type)?.Starting(definition.Name);
        }
        catch (ResourceFailedException)
        {
            // The step reports an unusable type itself.
            return null;
        }
    }

    private async Task<bool> ConvergeResourceAsync(StackDefinition target, StackDefinition? previous, ResourceDefinition definition, CancellationToken cancellationToken)
    {
        // What it reads may have changed, but did not: it would evaluate to what its row holds.
        if (_unchanged.IsUnchanged(definition.Name, _changed.ContainsKey))
        {
            return true;
        }

        var type = target.ResolvedType(definition);
        var current = _rows.CurrentOf(definition.Name);
        ResourceHandler? handler;
        try
        {
            handler = _engine.Handlers.Find(type)?.ForOperation(_engine, target, definition);
        }
        catch (ResourceFailedException e)
        {
            return await FailBeforeStartAsync(definition.Name, type, current, e.Failure);
        }

        if (handler is null)
        {
            return await FailBeforeStartAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, $"the resource type '{type}' is not known to Hearth"));
        }

        EvaluatedResource evaluated;
        try
        {
            evaluated = EvaluatedResource.Of(target, definition, handler, _rows.Current);
        }
        catch (TemplateException e)
        {
            return await FailBeforeStartAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, e.Message));
        }

        if (evaluated.Errors is { } errors)
        {
            return await FailBeforeStartAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, errors));
        }

        var change = Decide(target, previous, definition, type, handler, current, evaluated);
        var hookAction = HookAction(change.Kind);
        try
        {
            if (hookAction is { } before)
            {
                await BreakpointAsync(target, definition.Name, type, post: false, before, cancellationToken);
            }

            switch (change.Kind)
            {
                case ChangeKind.Unchanged:
                    return true;
                case ChangeKind.Restore:
                    await _actions.RestoreAsync(definition.Name, evaluated);
                    break;
                case ChangeKind.Create when current is { Action: ResourceAction.Create, Status: OperationStatus.InProgress }:
                    await _actions.CreateAsync(definition, type, handler, evaluated, change.Reason, existing: current, replaces: null, cancellationToken);
                    break;
                case ChangeKind.Create:
                    await _actions.CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: null, cancellationToken);
                    break;
                case ChangeKind.Update when current is not null:
                    await _actions.UpdateAsync(definition, handler, current, evaluated, change, cancellationToken);
                    break;
                case ChangeKind.Replace when current is not null:
                    if (evaluated.DeleteBeforeCreate)
                    {
                        await _actions.DeleteAsync(current, $"replacing it (delete before create): {change.Reason}", cancellationToken);
                        await _actions.CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: null, cancellationToken);
                    }
                    else
                    {
                        await _actions.CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: current, cancellationToken);
                    }

                    break;
            }

            if (hookAction is { } after)
            {
                await BreakpointAsync(target, definition.Name, type, post: true, after, cancellationToken);
            }

            _changed[definition.Name] = change.Kind;
            return true;
        }
        catch (ResourceFailedException e)
        {
            Fail(e.Failure.Of(definition.Name));
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped between actions (no handler was acting): nothing to record on the row.
            Fail(Failure.Stopped().Of(definition.Name));
            return false;
        }
    }

    private async Task<bool> FailBeforeStartAsync(string name, string type, ResourceRecord? current, Failure failure)
    {
        Fail(await _actions.FailBeforeStartAsync(name, type, current, failure));
        return false;
    }

    /// <summary>Which hooks a step checks, as Heat: pre-create only while the stack is created; an update or a replacement checks pre-update; rollbacks check none.</summary>
    private ResourceAction? HookAction(ChangeKind kind) => (kind, _action) switch
    {
        (_, ResourceAction.Rollback) => null,
        (ChangeKind.Create, ResourceAction.Create) => ResourceAction.Create,
        (ChangeKind.Update or ChangeKind.Replace, _) => ResourceAction.Update,
        _ => null,
    };

    /// <summary>Waits at a hook of the environment's resource_registry, if one is set for this resource and step.</summary>
    private async Task BreakpointAsync(StackDefinition? source, string name, string type, bool post, ResourceAction step, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return;
        }

        var (flag, hook) = Breakpoints.For(post, step);
        if (source.Environment.Registry.HooksFor(name, source.NestedPath).HasFlag(flag))
        {
            // The pause is seen after the steps before it.
            await _steps.FlushAsync();
            await Breakpoints.PauseAsync(_engine, Stack, name, type, step, hook, cancellationToken);
        }
    }

    private ResourceChange Decide(StackDefinition target, StackDefinition? previous, ResourceDefinition definition, string type, ResourceHandler handler, ResourceRecord? current, EvaluatedResource evaluated)
    {
        var canRestore = _action == ResourceAction.Rollback && current is not null && _rows.FindRestorable(current, evaluated.Properties) is not null;
        // A rollback's changes undo the failed operation's, they are not new ones: replace_on_change_of does not fire on
        // them. A resource the failed operation replaced gets its old instance back (Restore); one it never reached is
        // the instance it was before, and stays (it was replaced again on the way back when what it watches was
        // rolled back).
        var triggers = current is null || _action == ResourceAction.Rollback ? [] : Planner.Triggered(evaluated.ReplaceOnChangeOf, target, previous, _changed.ContainsKey);
        return Planner.Decide(definition.Name, type, handler, current, evaluated.Properties, evaluated.Metadata, triggers, canRestore);
    }

    private async Task<bool> CleanUpAsync(HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var doomed = _rows.Unwanted(wanted);
        if (doomed.Count == 0)
        {
            return true;
        }

        // A row is deleted only after every doomed row that required it is gone (reverse dependency order).
        var requiredBy = doomed.Values
            .SelectMany(row => Requires(row).Select(name => (Dependency: name, Dependent: row.Id)))
            .GroupBy(x => x.Dependency, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Dependent).ToList(), StringComparer.Ordinal);
        var runner = new GraphRunner<long>(_engine.Options.MaxParallel);
        var outcomes = await runner.RunAsync(
            doomed.Keys,
            id => requiredBy.GetValueOrDefault(doomed[id].Name, []).Where(other => other != id && doomed[other].Name != doomed[id].Name),
            async (id, ct) =>
            {
                try
                {
                    var row = _rows[id];
                    var deletion = _action == ResourceAction.Rollback ? null : _hookSource;
                    await BreakpointAsync(deletion, row.Name, row.Type, post: false, ResourceAction.Delete, ct);
                    await _actions.DeleteAsync(row, "state changed", ct);
                    await BreakpointAsync(deletion, row.Name, row.Type, post: true, ResourceAction.Delete, ct);
                    return true;
                }
                catch (ResourceFailedException e)
                {
                    Fail(e.Failure.Of(doomed[id].Name));
                    return false;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Fail(Failure.Stopped().Of(doomed[id].Name));
                    return false;
                }
            },
            cancellationToken);
        return outcomes.Values.All(o => o == NodeOutcome.Succeeded);
    }

    private static IEnumerable<string> Requires(ResourceRecord row) =>
        ValueJson.Deserialize(row.RequiresJson) is IReadOnlyList<object?> names ? names.OfType<string>() : [];

    /// <summary>
    /// Hidden parameter values never reach events or failure reasons, even when an error message quotes a value
    /// (a property that could not be converted, a script's stderr).
    /// </summary>
    private string Mask(string text) => _hidden.Mask(text);

    private void Fail(Failure failure) => _failures.Enqueue(failure.Masked(Mask));
}
