using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hearth.Engine;
using Hearth.Engine.Failures;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Cli.Remote;

/// <summary>
/// The stacks of a <c>hearth server</c>, through its Heat v1 API: what <see cref="StackEngine"/> answers locally,
/// rebuilt from Heat's JSON so that the commands print the same. Operations run in the server; with
/// <paramref name="wait"/> a call returns when the stack's operation has ended, else once the server accepted it.
/// </summary>
internal sealed class RemoteStacks(HeatHttp http, bool wait) : IStackService, IAsyncDisposable
{
    /// <summary>Heat's status of a resource no operation has acted on yet.</summary>
    private const string NotStarted = "INIT_COMPLETE";

    private readonly HashSet<string> _interrupted = new(StringComparer.Ordinal);

    // ---- Operations ----

    public async Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var body = HeatBodies.Definition(source, source.Sources.Parameters);
        body["stack_name"] = name;
        body["disable_rollback"] = disableRollback;
        var created = await http.SendAsync(HttpMethod.Post, "/stacks", body, cancellationToken) as IReadOnlyDictionary<string, object?>;
        var id = (created?.GetValueOrDefault("stack") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault("id") as string ?? name;

        // A new stack's events are all its create's: they are followed from its first.
        return await OutcomeAsync(name, id, null, 0, observer, cancellationToken);
    }

    public async Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var after = await EventPositionAsync(name, cancellationToken);

        // PUT replaces the definition; PATCH without a template is Heat's --existing: the stored one, these parameters overriding.
        var body = HeatBodies.DefinitionOrOverrides(source, parameterOverrides);
        if (disableRollback is { } disable)
        {
            body["disable_rollback"] = disable;
        }

        await http.SendAsync(source is null ? HttpMethod.Patch : HttpMethod.Put, StackPath(stack), body, cancellationToken);
        return await OutcomeAsync(name, stack.Id, stack, after, observer, cancellationToken);
    }

    public async Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var after = await EventPositionAsync(name, cancellationToken);
        await http.SendAsync(HttpMethod.Delete, StackPath(stack), null, cancellationToken);
        return await OutcomeAsync(name, stack.Id, stack, after, observer, cancellationToken);
    }

    /// <summary>Hearth's own route (Heat has none): the server finishes the interrupted operation.</summary>
    public Task<OperationOutcome> ResumeAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) =>
        HearthActionAsync(name, "resume", observer, cancellationToken);

    /// <summary>Hearth's own route: the server rolls back the interrupted operation, or stops the one it runs on the stack.</summary>
    public Task<OperationOutcome> CancelAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) =>
        HearthActionAsync(name, "cancel", observer, cancellationToken);

    /// <summary>
    /// Heat's create preview, whose engine call is the local one: with a template, what it would do to the stack if it
    /// exists (an update) or else (a create); without, the stored definition with the parameters overriding.
    /// </summary>
    public async Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken)
    {
        var body = HeatBodies.DefinitionOrOverrides(source, parameterOverrides);
        body["stack_name"] = name;
        var answer = await http.SendAsync(HttpMethod.Post, "/stacks/preview", body, cancellationToken) as IReadOnlyDictionary<string, object?>;
        var stack = answer?.GetValueOrDefault("stack") as IReadOnlyDictionary<string, object?>;
        return new PreviewResult(name, [.. HeatRecords.Maps(stack?.GetValueOrDefault("resources")).Select(HeatRecords.Change)]);
    }

    /// <summary>The server tells which of its stacks were interrupted (<c>hearth_interrupted</c>) in the answers that listed or showed them.</summary>
    public Task<LockOwner?> FindDeadHolderAsync(StackRecord stack, CancellationToken cancellationToken) =>
        Task.FromResult(_interrupted.Contains(stack.Id) ? new LockOwner("", 0, 0, "", stack.UpdatedAt ?? stack.CreatedAt, "") : null);

    // ---- Signals and hooks ----

    public async Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken)
    {
        var answer = await StackScopedAsync(name, $"/stacks/{HeatHttp.Segment(name)}/hooks", cancellationToken);
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("hooks")).Select(HeatRecords.Hook)];
    }

    /// <summary>Heat's <c>unset_hook</c> signal, with no hook named: whichever the resource waits at (the engine refuses one that waits at none).</summary>
    public async Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken)
    {
        var body = Value.NewMap();
        body["unset_hook"] = null;
        var answer = await SignalResourceAsync(name, resourcePath, body, cancellationToken) as IReadOnlyDictionary<string, object?>;
        return answer?.GetValueOrDefault("hook") is IReadOnlyDictionary<string, object?> hook
            ? HeatRecords.Hook(hook) with { Resource = resourcePath }
            : throw new UserErrorException($"the server {http.Endpoint} cleared the hook of {resourcePath} without saying which", ExitCodes.OperationFailed);
    }

    public Task SignalAsync(string name, string resourcePath, object? data, CancellationToken cancellationToken) =>
        SignalResourceAsync(name, resourcePath, data, cancellationToken);

    // ---- Reads ----

    public async Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken) =>
        HeatRecords.Stack(await ShowAsync(name, cancellationToken));

    public async Task<IReadOnlyList<ListedStack>> ListStacksAsync(CancellationToken cancellationToken)
    {
        var answer = await http.SendAsync(HttpMethod.Get, "/stacks", null, cancellationToken) as IReadOnlyDictionary<string, object?>;
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("stacks")).Select(map => new ListedStack(Stack(map), map.GetValueOrDefault("description") as string ?? ""))];
    }

    public async Task<StackTemplateSummary> GetTemplateSummaryAsync(string name, CancellationToken cancellationToken)
    {
        var show = await ShowAsync(name, cancellationToken);
        var parameters = show.GetValueOrDefault("parameters") as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
        return new StackTemplateSummary(
            parameters.ToDictionary(kv => kv.Key, kv => kv.Value as string ?? "", StringComparer.Ordinal),
            show.GetValueOrDefault("description") as string ?? "");
    }

    /// <summary>The stack's own resources in full: Heat's list <c>with_detail</c>, which Hearth's server gives their properties and metadata too.</summary>
    public async Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken)
    {
        var answer = await StackScopedAsync(name, $"/stacks/{HeatHttp.Segment(name)}/resources?with_detail=true", cancellationToken);
        var maps = HeatRecords.Maps(answer?.GetValueOrDefault("resources")).Where(r => r.GetValueOrDefault("resource_status") as string != NotStarted).ToList();
        var requires = maps
            .SelectMany(r => (r.GetValueOrDefault("required_by") as IReadOnlyList<object?> ?? []).OfType<string>()
                .Select(dependent => (Dependent: dependent, Dependency: ResourceName(r))))
            .ToLookup(edge => edge.Dependent, edge => edge.Dependency, StringComparer.Ordinal);
        return [.. maps.Select(r => HeatRecords.DetailedResource(r, requires[ResourceName(r)]))];

        static string ResourceName(IReadOnlyDictionary<string, object?> resource) => resource.GetValueOrDefault("resource_name") as string ?? "";
    }

    public async Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken)
    {
        var path = $"/stacks/{HeatHttp.Segment(name)}/resources?nested_depth={nestedDepth.ToString(CultureInfo.InvariantCulture)}";
        var answer = await StackScopedAsync(name, path, cancellationToken);

        // Resources no operation has reached yet are Heat's INIT_COMPLETE rows, which the local engine does not list.
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("resources"))
            .Where(r => r.GetValueOrDefault("resource_status") as string != NotStarted)
            .Select(r => new StackResource(r.GetValueOrDefault("stack_name") as string ?? name, HeatRecords.Resource(r)))];
    }

    /// <summary>
    /// The server's event stream of the stack up to now (<c>?until=now</c>), which carries the sequence numbers
    /// <c>--after</c> takes (Heat's event list has none); the stream is left once <paramref name="limit"/> events came.
    /// </summary>
    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var events = new List<EventRecord>();
        if (limit <= 0)
        {
            return events;
        }

        await foreach (var evt in EventStreamAsync(name, "now", afterSequence, cancellationToken))
        {
            events.Add(evt);
            if (events.Count == limit)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The server's event stream of the stack until its operation ends (<c>?until=operation-end</c>), as the engine's follower ends locally.</summary>
    public IAsyncEnumerable<EventRecord> FollowEventsAsync(string name, long afterSequence, CancellationToken cancellationToken) =>
        EventStreamAsync(name, "operation-end", afterSequence, cancellationToken);

    public async Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken) =>
        HeatRecords.Outputs(await ShowAsync(name, cancellationToken));

    /// <summary>The graph the dashboard draws (Hearth's <c>…/graph</c>), where a resource not acted on yet is INIT_COMPLETE as in Heat's lists.</summary>
    public async Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken)
    {
        var answer = await StackScopedAsync(name, $"/stacks/{HeatHttp.Segment(name)}/graph", cancellationToken);
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("nodes")).Select(n => new GraphNode(
            n.GetValueOrDefault("name") as string ?? "",
            n.GetValueOrDefault("type") as string ?? "",
            [.. (n.GetValueOrDefault("depends_on") as IReadOnlyList<object?> ?? []).OfType<string>()],
            n.GetValueOrDefault("status") is string status && status != NotStarted ? status : null))];
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<IReadOnlyDictionary<string, object?>> ShowAsync(string nameOrId, CancellationToken cancellationToken)
    {
        // GET /stacks/{name} redirects to /stacks/{name}/{id}, as Heat's lookup.
        var answer = await StackScopedAsync(nameOrId, $"/stacks/{HeatHttp.Segment(nameOrId)}", cancellationToken);
        var stack = answer?.GetValueOrDefault("stack") as IReadOnlyDictionary<string, object?>
            ?? throw new UserErrorException($"the server {http.Endpoint} answered without a stack", ExitCodes.OperationFailed);
        Stack(stack);
        return stack;
    }

    /// <summary>The stack of an answer, noting whether the server found its operation interrupted.</summary>
    private StackRecord Stack(IReadOnlyDictionary<string, object?> map)
    {
        var stack = HeatRecords.Stack(map);
        if (map.GetValueOrDefault("hearth_interrupted") is true)
        {
            _interrupted.Add(stack.Id);
        }
        else
        {
            _interrupted.Remove(stack.Id);
        }

        return stack;
    }

    private async IAsyncEnumerable<EventRecord> EventStreamAsync(string name, string until, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"/stacks/{HeatHttp.Segment(name)}/events/stream?until={until}";
        await foreach (var data in http.EventsAsync(path, afterSequence, () => EngineException.StackNotFound(name), cancellationToken))
        {
            yield return HeatRecords.Event(data);
        }
    }

    /// <summary>Heat's resource signal, under the stack's name and id, so that the only 404 left is the engine's (no such resource).</summary>
    private async Task<object?> SignalResourceAsync(string name, string resourcePath, object? body, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        return await http.SendAsync(HttpMethod.Post, $"{StackPath(stack)}/resources/{HeatHttp.Segment(resourcePath)}/signal", body, cancellationToken);
    }

    /// <summary>Hearth's <c>…/hearth/resume|cancel</c>, then the operation's end as for any other.</summary>
    private async Task<OperationOutcome> HearthActionAsync(string name, string action, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var after = await EventPositionAsync(name, cancellationToken);
        await http.SendAsync(HttpMethod.Post, $"{StackPath(stack)}/hearth/{action}", null, cancellationToken);
        return await OutcomeAsync(name, stack.Id, stack, after, observer, cancellationToken);
    }

    /// <summary>A read under one stack, whose only 404 is the stack's: Heat's message for it is replaced by the engine's own.</summary>
    private async Task<IReadOnlyDictionary<string, object?>?> StackScopedAsync(string name, string path, CancellationToken cancellationToken) =>
        await http.SendAsync(HttpMethod.Get, path, null, cancellationToken, missingIsNull: true) as IReadOnlyDictionary<string, object?>
        ?? throw EngineException.StackNotFound(name);

    private static string StackPath(StackRecord stack) => $"/stacks/{HeatHttp.Segment(stack.Name)}/{HeatHttp.Segment(stack.Id)}";

    /// <summary>
    /// Where the server's events are before an operation is asked for (the <c>last_sequence</c> of the stack's graph, a
    /// position in every stack's events): the wait follows the stack's events from there, so it sees all of the operation.
    /// </summary>
    private async Task<long> EventPositionAsync(string name, CancellationToken cancellationToken)
    {
        if (!wait)
        {
            return 0;
        }

        var answer = await StackScopedAsync(name, $"/stacks/{HeatHttp.Segment(name)}/graph", cancellationToken);
        return answer?.GetValueOrDefault("last_sequence") is { } sequence ? Convert.ToInt64(sequence, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>
    /// How the operation ended. With <c>--wait</c>, the stack's event stream from <paramref name="after"/> (a point before
    /// the server accepted it) until the operation has ended (<c>?until=started-operation-end</c>), each event given to
    /// <paramref name="observer"/> as the local engine gives it, the failures of the stack's own resources collected as
    /// the local outcome lists them; then the stack as it ended (gone, for a delete: <paramref name="before"/> deleted).
    /// Without waiting, the stack as the server accepted the operation.
    /// </summary>
    private async Task<OperationOutcome> OutcomeAsync(string name, string id, StackRecord? before, long after, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var failures = ImmutableArray.CreateBuilder<Failure>();
        while (true)
        {
            if (wait)
            {
                after = await FollowOperationAsync(name, id, after, observer, failures, cancellationToken);
            }

            var answer = await http.SendAsync(HttpMethod.Get, $"/stacks/{HeatHttp.Segment(name)}/{HeatHttp.Segment(id)}", null, cancellationToken, missingIsNull: true)
                as IReadOnlyDictionary<string, object?>;
            if (answer?.GetValueOrDefault("stack") is not IReadOnlyDictionary<string, object?> show)
            {
                // A deleted stack is gone: the delete succeeded.
                var gone = before ?? throw EngineException.StackNotFound(name);
                return new OperationOutcome(gone with { Action = ResourceAction.Delete, Status = OperationStatus.Complete }, true, [], false);
            }

            var stack = Stack(show);
            // Still in progress after its operation's stream ended: another operation followed it at once, which is
            // followed too; unless the server's operation was interrupted (its process died), which no stream waits for.
            if (!wait || stack.Status != OperationStatus.InProgress || _interrupted.Contains(stack.Id))
            {
                var rolledBack = stack.Action == ResourceAction.Rollback;
                var succeeded = !wait || stack.Status == OperationStatus.Complete;
                return new OperationOutcome(stack, succeeded, failures.ToImmutable(), rolledBack) { Outputs = succeeded && wait ? HeatRecords.Outputs(show) : null };
            }
        }
    }

    /// <summary>The stack's events after <paramref name="after"/> until its operation has ended (or the stack is gone); the last one's sequence.</summary>
    private async Task<long> FollowOperationAsync(
        string name, string id, long after, IEngineObserver? observer, ImmutableArray<Failure>.Builder failures, CancellationToken cancellationToken)
    {
        var path = $"/stacks/{HeatHttp.Segment(name)}/{HeatHttp.Segment(id)}/events/stream?until=started-operation-end";
        try
        {
            await foreach (var data in http.EventsAsync(path, after, () => EngineException.StackNotFound(name), cancellationToken))
            {
                var evt = HeatRecords.Event(data);
                after = evt.Sequence;
                observer?.OnEvent(evt);
                if (evt.StackId == id && FailureJson.Read(evt) is { } failure)
                {
                    failures.Add(failure);
                }
            }
        }
        catch (EngineException e) when (e.Kind == EngineErrorKind.NotFound)
        {
            // A delete that ended before the stream began: the stack is gone, which the outcome tells.
        }

        return after;
    }
}
