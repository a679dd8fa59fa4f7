using Hearth.Engine.Operations;
using Hearth.Engine.Resources.Signals;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Engine;

/// <summary>What reaches a running operation from outside: signals to wait condition handles, and hooks listed and cleared.</summary>
internal sealed class StackSignals(IStateStore store, TimeProvider time, StackQueries queries)
{
    /// <summary>The resources of the stack (nested ones as <c>parent/child</c>) paused at a hook now.</summary>
    public async Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
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

    /// <summary>Releases a resource waiting at a hook; <c>parent/child</c> names a nested resource.</summary>
    public async Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken)
    {
        var (stack, resource) = await ResolveResourcePathAsync(name, resourcePath, cancellationToken);
        var events = await store.ListEventsAsync(stack.Id, 0, int.MaxValue, includeNested: false, cancellationToken);
        var pending = Breakpoints.Pending(events).FirstOrDefault(p => p.Resource == resource);
        if (pending.Resource is null)
        {
            throw new EngineException(EngineErrorKind.Conflict, $"resource '{resourcePath}' of stack '{name}' is not waiting at a hook",
                suggestion: new SuggestedAction(SuggestedActionKind.ListHooks, name));
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

    /// <summary>
    /// Signals a wait condition handle: records the signal as an event of the handle, where a WaitCondition reads it.
    /// <paramref name="data"/> is Heat's <c>{status, reason, data, id}</c> or any value.
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

        var earlier = HandleSignals.Read(await store.ListEventsAsync(stack.Id, 0, int.MaxValue, includeNested: false, cancellationToken), resource);
        var signal = ValueJson.Serialize(HandleSignals.Normalise(data, earlier.Count + 1));
        await store.AppendEventAsync(new EventRecord(0, Guid.NewGuid().ToString(), stack.Id, stack.Name, resource, row.PhysicalId, row.Type,
            ResourceAction.Create, OperationStatus.Complete, HandleSignals.Reason(signal), time.GetUtcNow(), EventKind.Signal, signal), cancellationToken);
    }

    /// <summary>A resource named in a stack, <c>parent/child</c> for one of a nested stack: its stack and its name there.</summary>
    private async Task<(StackRecord Stack, string Resource)> ResolveResourcePathAsync(string name, string resourcePath, CancellationToken cancellationToken)
    {
        var stack = await queries.GetStackAsync(name, cancellationToken);
        var parts = resourcePath.Split('/');
        foreach (var parent in parts[..^1])
        {
            stack = (await store.ListChildStacksAsync(stack.Id, cancellationToken)).LastOrDefault(c => c.ParentResourceName == parent)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"'{parent}' in '{resourcePath}' is not a nested stack of stack '{name}'");
        }

        return (stack, parts[^1]);
    }
}
