using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.State;

namespace Hearth.Cli.Remote;

/// <summary>
/// The stacks of a <c>hearth server</c>, through its Heat v1 API: what <see cref="StackEngine"/> answers locally,
/// rebuilt from Heat's JSON so that the commands print the same. Operations run in the server; with
/// <paramref name="wait"/> a call returns when the stack's operation has ended, else once the server accepted it.
/// </summary>
internal sealed class RemoteStacks(HeatHttp http, bool wait, TimeProvider time) : IStackService, IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // ---- Operations ----

    public async Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var body = HeatBodies.Definition(source, source.Sources.Parameters);
        body["stack_name"] = name;
        body["disable_rollback"] = disableRollback;
        var created = await http.SendAsync(HttpMethod.Post, "/stacks", body, cancellationToken) as IReadOnlyDictionary<string, object?>;
        var id = (created?.GetValueOrDefault("stack") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault("id") as string ?? name;
        return await OutcomeAsync(name, id, cancellationToken);
    }

    public async Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);

        // PUT replaces the definition; PATCH without a template is Heat's --existing: the stored one, these parameters overriding.
        var body = source is null ? HeatBodies.Parameters(parameterOverrides) : HeatBodies.Definition(source, source.Sources.Parameters);
        if (disableRollback is { } disable)
        {
            body["disable_rollback"] = disable;
        }

        await http.SendAsync(source is null ? HttpMethod.Patch : HttpMethod.Put, StackPath(stack), body, cancellationToken);
        return await OutcomeAsync(name, stack.Id, cancellationToken);
    }

    public async Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        await http.SendAsync(HttpMethod.Delete, StackPath(stack), null, cancellationToken);
        return await OutcomeAsync(name, stack.Id, cancellationToken);
    }

    public Task<OperationOutcome> ResumeAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) => throw NotThroughServer("stack resume");

    public Task<OperationOutcome> CancelAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) => throw NotThroughServer("stack cancel");

    public Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken) =>
        throw NotThroughServer("stack preview and --dry-run");

    /// <summary>The server resumes or reports its interrupted operations itself (<c>--interrupted</c>); its stacks are never shown as interrupted here.</summary>
    public Task<LockOwner?> FindDeadHolderAsync(StackRecord stack, CancellationToken cancellationToken) => Task.FromResult<LockOwner?>(null);

    // ---- Signals and hooks ----

    public Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken) => throw NotThroughServer("stack hook");

    public Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken) => throw NotThroughServer("stack hook");

    public Task SignalAsync(string name, string resourcePath, object? data, CancellationToken cancellationToken) => throw NotThroughServer("stack signal");

    // ---- Reads ----

    public async Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken) =>
        HeatRecords.Stack(await ShowAsync(name, cancellationToken));

    public async Task<IReadOnlyList<StackRecord>> ListStacksAsync(CancellationToken cancellationToken)
    {
        var answer = await http.SendAsync(HttpMethod.Get, "/stacks", null, cancellationToken) as IReadOnlyDictionary<string, object?>;
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("stacks")).Select(HeatRecords.Stack)];
    }

    public async Task<IReadOnlyDictionary<string, string>> GetParametersAsync(string name, CancellationToken cancellationToken)
    {
        var show = await ShowAsync(name, cancellationToken);
        var parameters = show.GetValueOrDefault("parameters") as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
        return parameters.ToDictionary(kv => kv.Key, kv => kv.Value as string ?? "", StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken) => throw NotThroughServer("stack resource show");

    public async Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken)
    {
        var path = $"/stacks/{HeatHttp.Segment(name)}/resources?nested_depth={nestedDepth.ToString(CultureInfo.InvariantCulture)}";
        var answer = await StackScopedAsync(name, path, cancellationToken);

        // Resources no operation has reached yet are Heat's INIT_COMPLETE rows, which the local engine does not list.
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("resources"))
            .Where(r => r.GetValueOrDefault("resource_status") as string != "INIT_COMPLETE")
            .Select(r => new StackResource(r.GetValueOrDefault("stack_name") as string ?? name, HeatRecords.Resource(r)))];
    }

    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (afterSequence > 0)
        {
            throw NotThroughServer("stack event list --after");
        }

        // One page holds them all: the command asks again only when a page is full, and then asks after the last.
        var path = $"/stacks/{HeatHttp.Segment(name)}/events?nested_depth={int.MaxValue.ToString(CultureInfo.InvariantCulture)}";
        var answer = await StackScopedAsync(name, path, cancellationToken);
        return [.. HeatRecords.Maps(answer?.GetValueOrDefault("events")).Select(HeatRecords.Event)];
    }

    public async IAsyncEnumerable<EventRecord> FollowEventsAsync(string name, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        throw NotThroughServer("stack event list --follow");
#pragma warning disable CS0162 // An iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }

    public async Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken) =>
        HeatRecords.Outputs(await ShowAsync(name, cancellationToken));

    public Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken) => throw NotThroughServer("stack graph");

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<IReadOnlyDictionary<string, object?>> ShowAsync(string nameOrId, CancellationToken cancellationToken)
    {
        // GET /stacks/{name} redirects to /stacks/{name}/{id}, as Heat's lookup.
        var answer = await StackScopedAsync(nameOrId, $"/stacks/{HeatHttp.Segment(nameOrId)}", cancellationToken);
        return answer?.GetValueOrDefault("stack") as IReadOnlyDictionary<string, object?>
            ?? throw new UserErrorException($"the server {http.Endpoint} answered without a stack", ExitCodes.OperationFailed);
    }

    /// <summary>A read under one stack, whose only 404 is the stack's: Heat's message for it is replaced by the engine's own.</summary>
    private async Task<IReadOnlyDictionary<string, object?>?> StackScopedAsync(string name, string path, CancellationToken cancellationToken) =>
        await http.SendAsync(HttpMethod.Get, path, null, cancellationToken, missingIsNull: true) as IReadOnlyDictionary<string, object?>
        ?? throw EngineException.StackNotFound(name);

    private static string StackPath(StackRecord stack) => $"/stacks/{HeatHttp.Segment(stack.Name)}/{HeatHttp.Segment(stack.Id)}";

    /// <summary>
    /// The operation's end, read as Heat's client reads it for <c>--wait</c>: the stack until it is no longer in
    /// progress (gone, for a delete). Without waiting, the stack as the server accepted the operation.
    /// </summary>
    private async Task<OperationOutcome> OutcomeAsync(string name, string id, CancellationToken cancellationToken)
    {
        StackRecord? last = null;
        while (true)
        {
            var answer = await http.SendAsync(HttpMethod.Get, $"/stacks/{HeatHttp.Segment(name)}/{HeatHttp.Segment(id)}", null, cancellationToken, missingIsNull: true)
                as IReadOnlyDictionary<string, object?>;
            if (answer?.GetValueOrDefault("stack") is not IReadOnlyDictionary<string, object?> show)
            {
                // A deleted stack is gone: the delete succeeded.
                var gone = last ?? throw EngineException.StackNotFound(name);
                return new OperationOutcome(gone with { Action = ResourceAction.Delete, Status = OperationStatus.Complete }, true, [], false);
            }

            last = HeatRecords.Stack(show);
            if (!wait || last.Status != OperationStatus.InProgress)
            {
                var rolledBack = last.Action == ResourceAction.Rollback;
                var succeeded = !wait || last.Status == OperationStatus.Complete;
                return new OperationOutcome(last, succeeded, [], rolledBack) { Outputs = succeeded && wait ? HeatRecords.Outputs(show) : null };
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private UserErrorException NotThroughServer(string command) =>
        new($"'hearth {command}' does not go to a server yet ({http.Endpoint}); run it where the server's state is, without --server / HEARTH_SERVER");
}
