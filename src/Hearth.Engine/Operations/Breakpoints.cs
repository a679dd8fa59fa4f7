using System.Diagnostics;
using Hearth.Engine.Events;
using Hearth.Engine.Failures;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Environment;

namespace Hearth.Engine.Operations;

/// <summary>
/// Hooks (breakpoints) from the environment's <c>resource_registry</c>: a resource that reaches one records a
/// <see cref="EventKind.HookPaused"/> event (shown as "<c>CREATE paused until Hook pre-create is cleared</c>") and
/// waits, still IN_PROGRESS (its dependents wait too; everything else goes on), until <c>hearth stack hook clear</c> —
/// from any process — records a <see cref="EventKind.HookCleared"/> one. The events are the protocol, read by their kind
/// and payload (the hook's name), so a hook is visible to everyone reading events.
/// </summary>
internal static class Breakpoints
{
    public static string PausedReason(ResourceAction action, string hook) => $"{HeatStatus.ToHeatString(action)} paused until Hook {hook} is cleared";

    public static string ClearedReason(string hook) => $"Hook {hook} is cleared";

    /// <summary>Ends a pause the user's stop request (Ctrl+C, SIGTERM) interrupted: the resource no longer waits there.</summary>
    public static string AbandonedReason(string hook) => $"stopped while paused at Hook {hook}: {Failure.CancelledByUserText}";

    /// <summary>The hook name for a step: pre-/post- and create/update/delete.</summary>
    public static (ResourceHooks Flag, string Name) For(bool post, ResourceAction action) => (post, action) switch
    {
        (false, ResourceAction.Create) => (ResourceHooks.PreCreate, "pre-create"),
        (false, ResourceAction.Delete) => (ResourceHooks.PreDelete, "pre-delete"),
        (false, _) => (ResourceHooks.PreUpdate, "pre-update"),
        (true, ResourceAction.Create) => (ResourceHooks.PostCreate, "post-create"),
        (true, ResourceAction.Delete) => (ResourceHooks.PostDelete, "post-delete"),
        (true, _) => (ResourceHooks.PostUpdate, "post-update"),
    };

    /// <summary>Records the pause and waits for the hook to be cleared.</summary>
    public static async Task PauseAsync(EngineContext engine, StackRecord stack, string resourceName, string type, ResourceAction action, string hook, CancellationToken cancellationToken)
    {
        var paused = new EventRecord(0, Guid.NewGuid().ToString(), stack.Id, stack.Name, resourceName, null, type, action,
            OperationStatus.InProgress, PausedReason(action, hook), engine.Time.GetUtcNow(), EventKind.HookPaused, hook);
        var sequence = await engine.Store.AppendEventAsync(paused, CancellationToken.None);
        engine.Observer?.OnEvent(paused with { Sequence = sequence });
        try
        {
            // From the pause on: a clearing from this process wakes it at once, one from another at the feed's next look.
            await foreach (var evt in new EventFeed(engine.Store, engine.Time).WatchAsync(EventScope.Stack(stack.Id, includeNested: false), sequence, cancellationToken))
            {
                if (evt is { Kind: EventKind.HookCleared } && evt.ResourceName == resourceName && evt.Payload == hook)
                {
                    engine.Observer?.OnEvent(evt);
                    return;
                }
            }

            throw new UnreachableException("an event feed ends only when cancelled");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The pause ends with the operation, so 'hook list' no longer shows it; the step fails and the stack rolls back.
            var abandoned = paused with
            {
                Id = Guid.NewGuid().ToString(),
                Status = OperationStatus.Failed,
                StatusReason = AbandonedReason(hook),
                Time = engine.Time.GetUtcNow(),
                Kind = EventKind.HookAbandoned,
            };
            var abandonedAt = await engine.Store.AppendEventAsync(abandoned, CancellationToken.None);
            engine.Observer?.OnEvent(abandoned with { Sequence = abandonedAt });
            throw new ResourceFailedException(new Failure(FailureKind.CancelledByUser, AbandonedReason(hook)) { Action = action });
        }
    }

    /// <summary>The hooks resources of a stack are paused at now: for each resource, a pause with no clearing or abandoning after it.</summary>
    public static IReadOnlyList<(string Resource, string Hook, EventRecord Paused)> Pending(IEnumerable<EventRecord> events)
    {
        var pending = new Dictionary<string, (string Hook, EventRecord Paused)>(StringComparer.Ordinal);
        foreach (var evt in events.OrderBy(e => e.Sequence))
        {
            switch (evt)
            {
                case { Kind: EventKind.HookPaused, Payload: { } hook }:
                    pending[evt.ResourceName] = (hook, evt);
                    break;
                case { Kind: EventKind.HookCleared or EventKind.HookAbandoned }
                    when pending.TryGetValue(evt.ResourceName, out var open) && open.Hook == evt.Payload:
                    pending.Remove(evt.ResourceName);
                    break;
            }
        }

        return [.. pending.Select(kv => (kv.Key, kv.Value.Hook, kv.Value.Paused))];
    }
}
