using System.Collections.Immutable;
using Hearth.Engine.Events;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine;

/// <summary>
/// The engine's front door, which the CLI and the API server call; nothing else drives operations. It holds no logic of
/// its own: <see cref="StackOperations"/> change stacks (each under the stack's <see cref="OperationLock"/>, so one stack
/// has one operation at a time), <see cref="StackQueries"/> read them (hidden values masked), and
/// <see cref="StackSignals"/> carry signals and hooks to running operations. Errors are <see cref="EngineException"/>s whose
/// messages name no host's commands: a suggestion is data that each host renders.
/// </summary>
public sealed class StackEngine : IStackService
{
    private readonly StackOperations _operations;
    private readonly StackQueries _queries;
    private readonly StackSignals _signals;
    private readonly OperationLock _lock;
    private readonly StackEventFollower _follower;

    public StackEngine(IStateStore store, ResourceHandlerRegistry handlers, TimeProvider time, EngineOptions options)
    {
        Handlers = handlers;
        var definitions = new StoredDefinitions(handlers, options);
        _lock = new OperationLock(store, handlers, time, options);
        _queries = new StackQueries(store, handlers, definitions);
        _signals = new StackSignals(store, time, _queries);
        _operations = new StackOperations(store, handlers, time, definitions, _queries, _lock);
        Events = new EventFeed(store, time);
        _follower = new StackEventFollower(store, Events, _queries);
    }

    public ResourceHandlerRegistry Handlers { get; }

    /// <summary>Live events: every stack's, or one stack's, replayed from a sequence number and then streamed.</summary>
    public EventFeed Events { get; }

    // ---- Operations ----

    public Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken) =>
        _operations.CreateAsync(name, source, disableRollback, observer, cancellationToken);

    public Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken) =>
        _operations.UpdateAsync(name, source, parameterOverrides, disableRollback, observer, cancellationToken);

    public Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) =>
        _operations.DeleteAsync(name, observer, cancellationToken);

    /// <summary>Continues an operation whose process died: converges to the definition it was applying.</summary>
    public Task<OperationOutcome> ResumeAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) =>
        _operations.ResumeAsync(name, observer, cancellationToken);

    /// <summary>Rolls back an interrupted operation: converges to the definition the stack had before it.</summary>
    public Task<OperationOutcome> CancelAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken) =>
        _operations.CancelAsync(name, observer, cancellationToken);

    public Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken) =>
        _operations.PreviewAsync(name, source, parameterOverrides, cancellationToken);

    /// <summary>Is the stack in the middle of an operation whose process died?</summary>
    public Task<LockOwner?> FindDeadHolderAsync(StackRecord stack, CancellationToken cancellationToken) =>
        _lock.FindDeadHolderAsync(stack, cancellationToken);

    // ---- Signals and hooks ----

    /// <summary>The resources of the stack (nested ones as <c>parent/child</c>) paused at a hook now.</summary>
    public Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken) =>
        _signals.ListHooksAsync(name, cancellationToken);

    /// <summary>Releases a resource waiting at a hook; <c>parent/child</c> names a nested resource.</summary>
    public Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken) =>
        _signals.ClearHookAsync(name, resourcePath, cancellationToken);

    /// <summary>Signals a wait condition handle: <paramref name="data"/> is Heat's <c>{status, reason, data, id}</c> or any value.</summary>
    public Task SignalAsync(string name, string resourcePath, object? data, CancellationToken cancellationToken) =>
        _signals.SignalAsync(name, resourcePath, data, cancellationToken);

    // ---- Reads ----

    public Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken) => _queries.GetStackAsync(name, cancellationToken);

    public Task<IReadOnlyList<ListedStack>> ListStacksAsync(CancellationToken cancellationToken) => _queries.ListStacksAsync(cancellationToken);

    /// <inheritdoc />
    public Task<StackTemplateSummary> GetTemplateSummaryAsync(string name, CancellationToken cancellationToken) =>
        _queries.GetTemplateSummaryAsync(name, cancellationToken);

    /// <summary>The stack's current resources, as a user may see them (hidden values masked).</summary>
    public Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken) =>
        _queries.ListResourcesAsync(name, cancellationToken);

    /// <summary>The stack's resources and, down to <paramref name="nestedDepth"/> levels, those of its nested stacks; hidden values masked.</summary>
    public Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken) =>
        _queries.ListResourcesAsync(name, nestedDepth, cancellationToken);

    public Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken) =>
        _queries.ListEventsAsync(name, afterSequence, limit, cancellationToken);

    /// <summary>
    /// The stack's events (nested ones included) after <paramref name="afterSequence"/>, then new ones as they are
    /// committed, until the operation running now (or, on an idle stack, the next one) ends or the stack is deleted.
    /// </summary>
    public IAsyncEnumerable<EventRecord> FollowEventsAsync(string name, long afterSequence, CancellationToken cancellationToken) =>
        _follower.FollowAsync(name, afterSequence, cancellationToken);

    /// <summary>
    /// The stack's events after <paramref name="afterSequence"/> until the operation running now ends, or at once if none
    /// runs: for a client whose operation was accepted after that point (it may have ended before the client follows it).
    /// </summary>
    public IAsyncEnumerable<EventRecord> FollowStartedOperationAsync(string name, long afterSequence, CancellationToken cancellationToken) =>
        _follower.FollowAsync(name, afterSequence, cancellationToken, operationStarted: true);

    /// <summary>The stack's outputs, evaluated from stored attributes (so they are the same after a rollback as before the update).</summary>
    public Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken) =>
        _queries.GetOutputsAsync(name, cancellationToken);

    /// <summary>The stack's dependency graph: each enabled resource, its type, status and what it depends on.</summary>
    public Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken) =>
        _queries.GetGraphAsync(name, cancellationToken);
}
