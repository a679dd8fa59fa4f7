using Hearth.State;

namespace Hearth.Engine.Events;

/// <summary>Whose events a feed carries: one stack (with its nested stacks), or every stack.</summary>
public abstract record EventScope
{
    private EventScope()
    {
    }

    /// <summary>Every stack's events.</summary>
    public static EventScope AllStacks { get; } = new All();

    /// <summary>One stack's events, with those of its nested stacks at any depth when <paramref name="includeNested"/>.</summary>
    public static EventScope Stack(string stackId, bool includeNested = true) => new OneStack(stackId, includeNested);

    internal abstract Task<IReadOnlyList<EventRecord>> ListAsync(IStateStore store, long afterSequence, int limit, CancellationToken cancellationToken);

    private sealed record All : EventScope
    {
        internal override Task<IReadOnlyList<EventRecord>> ListAsync(IStateStore store, long afterSequence, int limit, CancellationToken cancellationToken) =>
            store.ListAllEventsAsync(afterSequence, limit, cancellationToken);
    }

    private sealed record OneStack(string StackId, bool IncludeNested) : EventScope
    {
        internal override Task<IReadOnlyList<EventRecord>> ListAsync(IStateStore store, long afterSequence, int limit, CancellationToken cancellationToken) =>
            store.ListEventsAsync(StackId, afterSequence, limit, IncludeNested, cancellationToken);
    }
}
