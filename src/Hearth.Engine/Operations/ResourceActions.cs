using Hearth.Engine.Failures;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// The actions of one operation on single resources: create (or redo an interrupted create, or create a replacement),
/// update in place, delete, restore, and record a resource that cannot even start. Each records the step that starts
/// acting before the handler acts, then the step that ends it; a failure is recorded on the row and thrown as a
/// <see cref="ResourceFailedException"/> carrying the <see cref="Failure"/>.
/// </summary>
internal sealed class ResourceActions(EngineContext engine, StackRecord stack, string operationId, ResourceAction operation, ResourceRows rows, StepWriter steps)
{
    internal const string DeletionPolicyKey = "hearth:deletion_policy";

    /// <param name="existing">The row of a create that was interrupted, to redo on the same row.</param>
    /// <param name="replaces">The instance this create replaces (create-before-delete); it stays current until this one exists.</param>
    public async Task CreateAsync(
        ResourceDefinition definition,
        string type,
        ResourceHandler handler,
        EvaluatedResource evaluated,
        string reason,
        ResourceRecord? existing,
        ResourceRecord? replaces,
        CancellationToken cancellationToken)
    {
        var now = engine.Time.GetUtcNow();
        var row = existing ?? new ResourceRecord(
            0, stack.Id, definition.Name, type, ResourceAction.Create, OperationStatus.InProgress, "",
            null, "{}", "{}", "{}", "[]", "{}", replaces?.Id, null, IsCurrent: replaces is null, operationId, now, null);
        var startReason = replaces is null ? "state changed" : $"replacing {replaces.PhysicalId ?? replaces.Name}: {reason}";
        row = await steps.StartAsync(handler, row with
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

        var request = new ResourceRequest(definition.Name, type, evaluated.Properties, evaluated.Metadata, StackInfo, PhysicalName(definition.Name, row.Id))
        {
            UpdatePolicy = evaluated.UpdatePolicy,
            Resources = rows.Current,
        };
        ResourceResult result;
        try
        {
            result = await handler.CreateAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            var failure = FailureOf(e, cancellationToken).Of(definition.Name, ResourceAction.Create);
            steps.Record(
                row with
                {
                    Status = OperationStatus.Failed,
                    StatusReason = failure.Message,
                    PropertiesJson = ValueJson.Serialize(evaluated.Properties),
                    MetadataJson = ValueJson.Serialize(evaluated.Metadata),
                },
                failure);
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
            await steps.SwitchToAsync(completed, replaces);
        }
        else
        {
            steps.Record(completed);
        }
    }

    public async Task UpdateAsync(ResourceDefinition definition, ResourceHandler handler, ResourceRecord current, EvaluatedResource evaluated, ResourceChange change, CancellationToken cancellationToken)
    {
        var row = await steps.StartAsync(handler, current with
        {
            Action = operation == ResourceAction.Rollback ? ResourceAction.Rollback : ResourceAction.Update,
            Status = OperationStatus.InProgress,
            StatusReason = change.Reason,
            OperationId = operationId,
        });
        var request = new ResourceRequest(definition.Name, row.Type, evaluated.Properties, evaluated.Metadata, StackInfo, PhysicalName(definition.Name, row.Id))
        {
            UpdatePolicy = evaluated.UpdatePolicy,
            Resources = rows.Current,
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
            steps.Record(row with { Status = OperationStatus.Failed, StatusReason = failure.Message }, failure);
            throw new ResourceFailedException(failure);
        }

        steps.Record(row with
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
    }

    /// <summary>A rollback makes the instance the current one replaced current again, untouched (same physical id, same attributes).</summary>
    public async Task RestoreAsync(string name, EvaluatedResource evaluated)
    {
        var current = rows.CurrentOf(name) ?? throw new InvalidOperationException($"no current row for {name}");
        var restorable = rows.FindRestorable(current, evaluated.Properties) ?? throw new InvalidOperationException($"nothing to restore for {name}");
        await steps.RestoreAsync(current, restorable);
    }

    public async Task DeleteAsync(ResourceRecord row, string reason, CancellationToken cancellationToken)
    {
        // A row being deleted no longer replaces anything: its partner may already be gone (a resumed replacement
        // leaves two old rows that are cleaned up side by side), and a stale link would not satisfy the store.
        var handler = engine.Handlers.Find(row.Type)?.ForOperation(engine, null, null);
        var deleting = await steps.StartAsync(handler, row with
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
        string? said = null;
        if (!retain && handler is not null && row.Action != ResourceAction.Init)
        {
            try
            {
                said = await handler.DeleteAsync(state, StackInfo, cancellationToken);
            }
            catch (Exception e)
            {
                var failure = FailureOf(e, cancellationToken).Of(row.Name, ResourceAction.Delete);
                steps.Record(deleting with { Status = OperationStatus.Failed, StatusReason = failure.Message }, failure);
                throw new ResourceFailedException(failure);
            }
        }

        steps.Deleted(row, deleting, retain ? "retained (deletion_policy: Retain)" : said ?? "state changed");
    }

    /// <summary>Records a resource that failed before any action began (an unknown type, properties that do not validate).</summary>
    public async Task<Failure> FailBeforeStartAsync(string name, string type, ResourceRecord? current, Failure failure)
    {
        var now = engine.Time.GetUtcNow();
        var row = current is null
            ? new ResourceRecord(0, stack.Id, name, type, ResourceAction.Create, OperationStatus.Failed, failure.Message, null, "{}", "{}", "{}", "[]", "{}", null, null, true, operationId, now, null)
            : current with { Action = current.Action == ResourceAction.Init ? ResourceAction.Create : ActionFor(current), Status = OperationStatus.Failed, StatusReason = failure.Message, OperationId = operationId };
        failure = failure.Of(name, row.Action);
        steps.Record(await steps.WithIdAsync(row), failure);
        return failure;
    }

    private ResourceAction ActionFor(ResourceRecord current) => operation switch
    {
        ResourceAction.Rollback => ResourceAction.Rollback,
        ResourceAction.Create when current.Action == ResourceAction.Create => ResourceAction.Create,
        _ => ResourceAction.Update,
    };

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

    private StackInfo StackInfo => new(stack.Id, stack.Name, stack.ParentStackId);

    private string PhysicalName(string resourceName, long rowId) =>
        $"{stack.Name}-{resourceName}-{ShortId.Of(stack.Id, rowId)}";

    /// <summary>Why a handler's action failed; the user's stop request (Ctrl+C, SIGTERM) is a failure like any other, which rolls back.</summary>
    private static Failure FailureOf(Exception e, CancellationToken cancellationToken) => e switch
    {
        ResourceFailedException failed => failed.Failure,
        TemplateException => new Failure(FailureKind.InvalidInput, e.Message),
        OperationCanceledException when cancellationToken.IsCancellationRequested => Failure.Stopped(),
        OperationCanceledException => new Failure(FailureKind.Internal, "cancelled"),
        _ => new Failure(FailureKind.Internal, $"{e.GetType().Name}: {e.Message}"),
    };
}
