using System.Collections.Concurrent;
using Hearth.Engine.Failures;
using Hearth.Engine.Graph;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
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
internal sealed class StackOperation(EngineContext engine, StackRecord stack, string operationId, ResourceAction action)
{
    internal const string DeletionPolicyKey = "hearth:deletion_policy";

    private readonly RuntimeResources _resources = new(engine.Handlers);
    private readonly ConcurrentDictionary<long, ResourceRecord> _rows = new();
    private readonly ConcurrentDictionary<string, ChangeKind> _changed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Failure> _failures = new();
    private readonly StepRecorder _recorder = new(engine);
    private readonly RowIds _rowIds = new(engine.Store);
    private StackDefinition? _hookSource;
    private UnchangedResources _unchanged = UnchangedResources.None;
    private HiddenValues _hidden = HiddenValues.None;

    public StackRecord Stack { get; } = stack;

    public string OperationId => operationId;

    /// <summary>Why the operation failed, one per failed resource (masked).</summary>
    public IReadOnlyCollection<Failure> Failures => _failures;

    /// <summary>The resources changed so far, by name, for <c>replace_on_change_of</c> and the summary.</summary>
    public IReadOnlyDictionary<string, ChangeKind> Changed => _changed;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var row in await engine.Store.ListResourcesAsync(Stack.Id, cancellationToken))
        {
            _rows[row.Id] = row;
            if (row.IsCurrent)
            {
                _resources.Set(row);
            }
        }
    }

    /// <summary>What the definitions of this operation hide, for what it shows.</summary>
    public HiddenValues Hidden => _hidden;

    /// <summary>The lookup functions use to read this stack's resources (outputs are evaluated with it).</summary>
    public RuntimeResources Resources => _resources;

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
        if (previousConverged && target is not null && previous is not null)
        {
            _unchanged = UnchangedResources.Find(target, previous, _resources.Get);
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
            await _recorder.DisposeAsync();
        }

        if (_recorder.Failure is { } failure)
        {
            Fail(new Failure(FailureKind.StateStore, $"the state store could not record a step: {failure.Message}"));
            return false;
        }

        return succeeded;
    }

    private async Task<bool> ConvergeAsync(StackDefinition target, StackDefinition? previous, CancellationToken cancellationToken)
    {
        var definitions = target.EnabledResources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var runner = new GraphRunner<string>(engine.Options.MaxParallel);
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
            return engine.Handlers.Find(type)?.Starting(definition.Name);
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
        var current = _resources.Get(definition.Name);
        ResourceHandler? handler;
        try
        {
            handler = engine.Handlers.Find(type)?.ForOperation(engine, target, definition);
        }
        catch (ResourceFailedException e)
        {
            await FailNewAsync(definition.Name, type, current, e.Failure);
            return false;
        }

        if (handler is null)
        {
            await FailNewAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, $"the resource type '{type}' is not known to Hearth"));
            return false;
        }

        Evaluated evaluated;
        try
        {
            evaluated = Evaluate(target, definition, handler);
        }
        catch (TemplateException e)
        {
            await FailNewAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, e.Message));
            return false;
        }

        if (evaluated.Errors is { } errors)
        {
            await FailNewAsync(definition.Name, type, current, new Failure(FailureKind.InvalidInput, errors));
            return false;
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
                    await RestoreAsync(definition.Name, evaluated, cancellationToken);
                    break;
                case ChangeKind.Create when current is { Action: ResourceAction.Create, Status: OperationStatus.InProgress }:
                    await CreateAsync(definition, type, handler, evaluated, change.Reason, existing: current, replaces: null, cancellationToken);
                    break;
                case ChangeKind.Create:
                    await CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: null, cancellationToken);
                    break;
                case ChangeKind.Update when current is not null:
                    await UpdateAsync(definition, handler, current, evaluated, change, cancellationToken);
                    break;
                case ChangeKind.Replace when current is not null:
                    if (evaluated.DeleteBeforeCreate)
                    {
                        await DeleteRowAsync(current, $"replacing it (delete before create): {change.Reason}", cancellationToken);
                        await CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: null, cancellationToken);
                    }
                    else
                    {
                        await CreateAsync(definition, type, handler, evaluated, change.Reason, existing: null, replaces: current, cancellationToken);
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

    /// <summary>Which hooks a step checks, as Heat: pre-create only while the stack is created; an update or a replacement checks pre-update; rollbacks check none.</summary>
    private ResourceAction? HookAction(ChangeKind kind) => (kind, action) switch
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
            await _recorder.FlushAsync();
            await Breakpoints.PauseAsync(engine, Stack, name, type, step, hook, cancellationToken);
        }
    }

    /// <summary>A resource's properties, metadata and policies evaluated against the resources converged so far.</summary>
    private sealed record Evaluated(
        IReadOnlyDictionary<string, object?> Properties,
        IReadOnlyDictionary<string, object?> Metadata,
        IReadOnlyDictionary<string, object?> UpdatePolicy,
        string DeletionPolicy,
        bool DeleteBeforeCreate,
        IReadOnlyList<string> ReplaceOnChangeOf,
        IReadOnlyList<string> Requires,
        string? Errors);

    private Evaluated Evaluate(StackDefinition target, ResourceDefinition definition, ResourceHandler handler)
    {
        var context = target.CreateContext(_resources);
        var rawProperties = Resolve(definition.Properties.Evaluate(context));
        var metadata = definition.Metadata is null ? Value.NewMap() : Resolve(definition.Metadata.Evaluate(context)) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var updatePolicy = definition.UpdatePolicy is null ? null : Resolve(definition.UpdatePolicy.Evaluate(context)) as IReadOnlyDictionary<string, object?>;
        var deletionPolicy = definition.DeletionPolicy is null ? "Delete" : NormalizeDeletionPolicy(Resolve(definition.DeletionPolicy.Evaluate(context)));

        var diagnostics = new DiagnosticBag();
        var schema = handler.SchemaFor(rawProperties as IReadOnlyDictionary<string, object?> ?? Value.NewMap());
        var properties = PropertyValidator.Validate(schema, definition.Name, rawProperties, _ => definition.NameSpan, diagnostics);
        var errors = diagnostics.HasErrors ? string.Join("; ", diagnostics.ToImmutable().Where(d => d.IsError).Select(d => d.Message)) : null;

        var replacement = updatePolicy?.GetValueOrDefault("replacement") as string;
        var replaceOnChangeOf = updatePolicy?.GetValueOrDefault("replace_on_change_of") is IReadOnlyList<object?> names
            ? names.Select(Value.ToPythonString).ToList()
            : [];
        return new Evaluated(properties, metadata, updatePolicy ?? Value.NewMap(), deletionPolicy, replacement == "delete_before_create", replaceOnChangeOf,
            target.DependenciesOf(definition), errors);
    }

    private static object? Resolve(object? value) => value is Omitted ? null : value;

    private static string NormalizeDeletionPolicy(object? value) => Value.ToPythonString(value).ToLowerInvariant() switch
    {
        "retain" => "Retain",
        "snapshot" => "Snapshot",
        _ => "Delete",
    };

    private ResourceChange Decide(StackDefinition target, StackDefinition? previous, ResourceDefinition definition, string type, ResourceHandler handler, ResourceRecord? current, Evaluated evaluated)
    {
        var canRestore = action == ResourceAction.Rollback && current is not null && FindRestorable(current, evaluated) is not null;
        var triggers = current is null ? [] : Planner.Triggered(evaluated.ReplaceOnChangeOf, target, previous, _changed.ContainsKey);
        return Planner.Decide(definition.Name, type, handler, current, evaluated.Properties, evaluated.Metadata, triggers, canRestore);
    }

    private ResourceRecord? FindRestorable(ResourceRecord current, Evaluated evaluated) =>
        _rows.Values.FirstOrDefault(row =>
            row.Name == current.Name
            && !row.IsCurrent
            && row.Status == OperationStatus.Complete
            && row.Action is ResourceAction.Create or ResourceAction.Update or ResourceAction.Rollback
            && (row.ReplacedById == current.Id || current.ReplacesId == row.Id)
            && Value.DeepEquals(ValueJson.DeserializeMap(row.PropertiesJson), evaluated.Properties));

    private async Task RestoreAsync(string name, Evaluated evaluated, CancellationToken cancellationToken)
    {
        var current = _resources.Get(name) ?? throw new InvalidOperationException($"no current row for {name}");
        var restorable = FindRestorable(current, evaluated) ?? throw new InvalidOperationException($"nothing to restore for {name}");
        await engine.Store.SetCurrentResourceAsync(restorable.Id, CancellationToken.None);
        _rows[current.Id] = current with { IsCurrent = false };
        var restored = restorable with { IsCurrent = true, ReplacedById = null };
        _rows[restored.Id] = restored;
        _resources.Set(restored);
        Record(restored with { Action = ResourceAction.Rollback, Status = OperationStatus.Complete, StatusReason = $"restored (it was replaced by {current.PhysicalId ?? current.Name})" });
    }

    private async Task CreateAsync(
        ResourceDefinition definition,
        string type,
        ResourceHandler handler,
        Evaluated evaluated,
        string reason,
        ResourceRecord? existing,
        ResourceRecord? replaces,
        CancellationToken cancellationToken)
    {
        var now = engine.Time.GetUtcNow();
        var row = existing ?? new ResourceRecord(
            0, Stack.Id, definition.Name, type, ResourceAction.Create, OperationStatus.InProgress, "",
            null, "{}", "{}", "{}", "[]", "{}", replaces?.Id, null, IsCurrent: replaces is null, operationId, now, null);
        var startReason = replaces is null ? "state changed" : $"replacing {replaces.PhysicalId ?? replaces.Name}: {reason}";
        row = await RecordAsync(handler, row with
        {
            Action = ResourceAction.Create,
            Status = OperationStatus.InProgress,
            StatusReason = startReason,
            // What is about to be created is recorded first: if the process dies during the create, a cancel's delete
            // runs with these properties (a deployment's DELETE needs its config and inputs).
            PropertiesJson = ValueJson.Serialize(evaluated.Properties),
            MetadataJson = ValueJson.Serialize(evaluated.Metadata),
            RequiresJson = ValueJson.Serialize(evaluated.Requires.ToList<object?>()),
            OperationId = operationId,
        });
        if (replaces is null)
        {
            _resources.Set(row);
        }

        var request = new ResourceRequest(definition.Name, type, evaluated.Properties, evaluated.Metadata, StackInfo, PhysicalName(definition.Name, row.Id))
        {
            UpdatePolicy = evaluated.UpdatePolicy,
            Resources = _resources,
        };
        ResourceResult result;
        try
        {
            result = await handler.CreateAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            var failure = FailureOf(e, cancellationToken).Of(definition.Name, ResourceAction.Create);
            var failedRow = Record(
                row with
                {
                    Status = OperationStatus.Failed,
                    StatusReason = failure.Message,
                    PropertiesJson = ValueJson.Serialize(evaluated.Properties),
                    MetadataJson = ValueJson.Serialize(evaluated.Metadata),
                },
                failure);
            if (replaces is null)
            {
                _resources.Set(failedRow);
            }

            throw new ResourceFailedException(failure);
        }

        var completed = row with
        {
            Status = OperationStatus.Complete,
            StatusReason = "state changed",
            PhysicalId = result.PhysicalId,
            PropertiesJson = ValueJson.Serialize(evaluated.Properties),
            MetadataJson = ValueJson.Serialize(evaluated.Metadata),
            AttributesJson = ValueJson.Serialize(result.Attributes),
            DataJson = ValueJson.Serialize(WithPolicy(result.Data, evaluated.DeletionPolicy)),
        };
        if (replaces is not null)
        {
            // Commit the replacement: the new instance becomes current; the old one waits for clean-up.
            completed = Record(completed);
            // Once the new instance exists, the switch is recorded even when the operation is being cancelled.
            await engine.Store.SetCurrentResourceAsync(completed.Id, CancellationToken.None);
            completed = completed with { IsCurrent = true };
            var old = replaces with { IsCurrent = false, ReplacedById = completed.Id };
            await engine.Store.SaveResourceAsync(old, CancellationToken.None);
            _rows[old.Id] = old;
            _rows[completed.Id] = completed;
        }
        else
        {
            completed = Record(completed);
        }

        _resources.Set(completed);
    }

    private async Task UpdateAsync(ResourceDefinition definition, ResourceHandler handler, ResourceRecord current, Evaluated evaluated, ResourceChange change, CancellationToken cancellationToken)
    {
        var row = await RecordAsync(handler, current with
        {
            Action = action == ResourceAction.Rollback ? ResourceAction.Rollback : ResourceAction.Update,
            Status = OperationStatus.InProgress,
            StatusReason = change.Reason,
            OperationId = operationId,
        });
        _resources.Set(row);
        var request = new ResourceRequest(definition.Name, row.Type, evaluated.Properties, evaluated.Metadata, StackInfo, PhysicalName(definition.Name, row.Id))
        {
            UpdatePolicy = evaluated.UpdatePolicy,
            Resources = _resources,
        };
        ResourceResult result;
        try
        {
            result = await handler.UpdateAsync(request, RowMapping.ToState(current) with { PhysicalName = request.PhysicalName }, change.ChangedProperties.ToHashSet(StringComparer.Ordinal), cancellationToken);
        }
        catch (Exception e)
        {
            // The stored properties stay the old ones: a rollback or a retry compares against what really is.
            var failure = FailureOf(e, cancellationToken).Of(definition.Name, row.Action);
            _resources.Set(Record(row with { Status = OperationStatus.Failed, StatusReason = failure.Message }, failure));
            throw new ResourceFailedException(failure);
        }

        var completed = Record(row with
        {
            Status = OperationStatus.Complete,
            StatusReason = "state changed",
            PhysicalId = result.PhysicalId ?? row.PhysicalId,
            PropertiesJson = ValueJson.Serialize(evaluated.Properties),
            MetadataJson = ValueJson.Serialize(evaluated.Metadata),
            AttributesJson = ValueJson.Serialize(result.Attributes),
            DataJson = ValueJson.Serialize(WithPolicy(result.Data, evaluated.DeletionPolicy)),
            RequiresJson = ValueJson.Serialize(evaluated.Requires.ToList<object?>()),
        });
        _resources.Set(completed);
    }

    private static IReadOnlyDictionary<string, object?> WithPolicy(IReadOnlyDictionary<string, object?> data, string deletionPolicy)
    {
        var map = Value.NewMap();
        foreach (var (key, value) in data)
        {
            map[key] = value;
        }

        map[DeletionPolicyKey] = deletionPolicy;
        return map;
    }

    private async Task FailNewAsync(string name, string type, ResourceRecord? current, Failure failure)
    {
        var now = engine.Time.GetUtcNow();
        var row = current is null
            ? new ResourceRecord(0, Stack.Id, name, type, ResourceAction.Create, OperationStatus.Failed, failure.Message, null, "{}", "{}", "{}", "[]", "{}", null, null, true, operationId, now, null)
            : current with { Action = current.Action == ResourceAction.Init ? ResourceAction.Create : ActionFor(current), Status = OperationStatus.Failed, StatusReason = failure.Message, OperationId = operationId };
        failure = failure.Of(name, row.Action);
        Fail(failure);
        _resources.Set(Record(await WithIdAsync(row), failure));
    }

    private ResourceAction ActionFor(ResourceRecord current) => action switch
    {
        ResourceAction.Rollback => ResourceAction.Rollback,
        ResourceAction.Create when current.Action == ResourceAction.Create => ResourceAction.Create,
        _ => ResourceAction.Update,
    };

    private async Task<bool> CleanUpAsync(HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var doomed = _rows.Values
            .Where(row => !row.IsCurrent || !wanted.Contains(row.Name))
            .ToDictionary(row => row.Id);
        if (doomed.Count == 0)
        {
            return true;
        }

        // A row is deleted only after every doomed row that required it is gone (reverse dependency order).
        var requiredBy = doomed.Values
            .SelectMany(row => Requires(row).Select(name => (Dependency: name, Dependent: row.Id)))
            .GroupBy(x => x.Dependency, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Dependent).ToList(), StringComparer.Ordinal);
        var runner = new GraphRunner<long>(engine.Options.MaxParallel);
        var outcomes = await runner.RunAsync(
            doomed.Keys,
            id => requiredBy.GetValueOrDefault(doomed[id].Name, []).Where(other => other != id && doomed[other].Name != doomed[id].Name),
            async (id, ct) =>
            {
                try
                {
                    var row = _rows[id];
                    var deletion = action == ResourceAction.Rollback ? null : _hookSource;
                    await BreakpointAsync(deletion, row.Name, row.Type, post: false, ResourceAction.Delete, ct);
                    await DeleteRowAsync(row, "state changed", ct);
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

    private async Task DeleteRowAsync(ResourceRecord row, string reason, CancellationToken cancellationToken)
    {
        // A row being deleted no longer replaces anything: its partner may already be gone (a resumed replacement
        // leaves two old rows that are cleaned up side by side), and a stale link would not satisfy the store.
        var handler = engine.Handlers.Find(row.Type)?.ForOperation(engine, null, null);
        var deleting = await RecordAsync(handler, row with
        {
            Action = ResourceAction.Delete,
            Status = OperationStatus.InProgress,
            StatusReason = reason,
            OperationId = operationId,
            ReplacesId = null,
            ReplacedById = null,
        });
        var state = RowMapping.ToState(row) with { PhysicalName = PhysicalName(row.Name, row.Id) };
        var retain = state.Data.GetValueOrDefault(DeletionPolicyKey) as string == "Retain";
        if (!retain && handler is not null && row.Action != ResourceAction.Init)
        {
            try
            {
                await handler.DeleteAsync(state, StackInfo, cancellationToken);
            }
            catch (Exception e)
            {
                var failure = FailureOf(e, cancellationToken).Of(row.Name, ResourceAction.Delete);
                var failed = Record(deleting with { Status = OperationStatus.Failed, StatusReason = failure.Message }, failure);
                if (failed.IsCurrent)
                {
                    _resources.Set(failed);
                }

                throw new ResourceFailedException(failure);
            }
        }

        var deletedEvent = Event(deleting with { Status = OperationStatus.Complete, StatusReason = retain ? "retained (deletion_policy: Retain)" : "state changed" });
        _ = _recorder.Follow(engine.Store.QueueResourceDeletedAsync(row.Id, deletedEvent), deletedEvent);
        _rows.TryRemove(row.Id, out _);
        if (row.IsCurrent && _resources.Get(row.Name)?.Id == row.Id)
        {
            _resources.Remove(row.Name);
        }
    }

    private StackInfo StackInfo => new(Stack.Id, Stack.Name, Stack.ParentStackId);

    private string PhysicalName(string resourceName, long rowId) =>
        $"{Stack.Name}-{resourceName}-{ShortId.Of(Stack.Id, rowId)}";

    /// <summary>Why a handler's action failed; the user's stop request (Ctrl+C, SIGTERM) is a failure like any other, which rolls back.</summary>
    private static Failure FailureOf(Exception e, CancellationToken cancellationToken) => e switch
    {
        ResourceFailedException failed => failed.Failure,
        TemplateException => new Failure(FailureKind.InvalidInput, e.Message),
        OperationCanceledException when cancellationToken.IsCancellationRequested => Failure.Stopped(),
        OperationCanceledException => new Failure(FailureKind.Internal, "cancelled"),
        _ => new Failure(FailureKind.Internal, $"{e.GetType().Name}: {e.Message}"),
    };

    /// <summary>
    /// Records the step that starts acting on a resource: saved with its event in one transaction, and committed before
    /// this returns unless the resource lives only in the store (then nothing outside can tell it was begun).
    /// </summary>
    private async Task<ResourceRecord> RecordAsync(ResourceHandler? handler, ResourceRecord row)
    {
        var saved = await WithIdAsync(row);
        var storeOnly = handler is { IsStoreOnly: true };
        saved = Record(saved, commitNow: !storeOnly, out var committed);
        if (!storeOnly)
        {
            await committed;
        }

        return saved;
    }

    /// <summary>A new row gets its id before its first step, from the ids the store reserved (<see cref="RowIds"/>).</summary>
    private async ValueTask<ResourceRecord> WithIdAsync(ResourceRecord row) => row.Id == 0 ? row with { Id = await _rowIds.NextAsync() } : row;

    /// <summary>
    /// Records a step without waiting for its commit: the step that ends acting on a resource (if the process dies
    /// before it is committed, the resource is still in progress, and a resume does the step again). Whatever later
    /// waits for its own step to be committed waits for this one too.
    /// </summary>
    private ResourceRecord Record(ResourceRecord row, Failure? failure = null) => Record(row, commitNow: false, out _, failure);

    private ResourceRecord Record(ResourceRecord row, bool commitNow, out Task committed, Failure? failure = null)
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
        _rows[stamped.Id] = stamped;
        return stamped;

        static async Task<long?> EventSequenceAsync(Task<ResourceTransition> transition) => (await transition).EventSequence;
    }

    /// <summary>A row's step as an event; a failed step's carries its failure (masked) as data.</summary>
    private EventRecord Event(ResourceRecord row, Failure? failure = null) => new(
        0,
        Guid.NewGuid().ToString(),
        Stack.Id,
        Stack.Name,
        row.Name,
        row.PhysicalId,
        row.Type,
        row.Action,
        row.Status,
        Mask(row.StatusReason),
        engine.Time.GetUtcNow(),
        failure is null ? EventKind.Status : EventKind.Failed,
        failure is null ? null : FailureJson.Serialize(failure.Masked(Mask)));

    /// <summary>
    /// Hidden parameter values never reach events or failure reasons, even when an error message quotes a value
    /// (a property that could not be converted, a script's stderr).
    /// </summary>
    private string Mask(string text) => _hidden.Mask(text);

    private void Fail(Failure failure) => _failures.Enqueue(failure.Masked(Mask));
}
