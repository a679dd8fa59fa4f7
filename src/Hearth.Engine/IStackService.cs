using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.State;

namespace Hearth.Engine;

/// <summary>
/// What the <c>hearth stack …</c> commands ask of stacks, whether the engine runs in the command's own process
/// (<see cref="StackEngine"/>) or in a <c>hearth server</c> the command talks to. The commands render what these
/// return, so the output and exit codes are the same either way. Refusals are <see cref="EngineException"/>s.
/// </summary>
public interface IStackService
{
    Task<OperationOutcome> CreateAsync(string name, DefinitionSource source, bool disableRollback, IEngineObserver? observer, CancellationToken cancellationToken);

    Task<OperationOutcome> UpdateAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, bool? disableRollback, IEngineObserver? observer, CancellationToken cancellationToken);

    Task<OperationOutcome> DeleteAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken);

    Task<OperationOutcome> ResumeAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken);

    Task<OperationOutcome> CancelAsync(string name, IEngineObserver? observer, CancellationToken cancellationToken);

    Task<PreviewResult> PreviewAsync(string name, DefinitionSource? source, ImmutableArray<string> parameterOverrides, CancellationToken cancellationToken);

    Task<LockOwner?> FindDeadHolderAsync(StackRecord stack, CancellationToken cancellationToken);

    Task<IReadOnlyList<PausedHook>> ListHooksAsync(string name, CancellationToken cancellationToken);

    Task<PausedHook> ClearHookAsync(string name, string resourcePath, CancellationToken cancellationToken);

    Task SignalAsync(string name, string resourcePath, object? data, CancellationToken cancellationToken);

    Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken);

    /// <summary>The top-level stacks, each with its template's description, as Heat's stack list shows them.</summary>
    Task<IReadOnlyList<ListedStack>> ListStacksAsync(CancellationToken cancellationToken);

    /// <summary>What a show of the stack gives of its definition: its parameters (hidden ones masked) and its template's description.</summary>
    Task<StackTemplateSummary> GetTemplateSummaryAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken);

    Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken);

    IAsyncEnumerable<EventRecord> FollowEventsAsync(string name, long afterSequence, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A stack as a list shows it: its record, and its template's description ("No description" for a template without one, as Heat says; empty for a stack without a definition).</summary>
public sealed record ListedStack(StackRecord Stack, string Description);

/// <summary>A stack's definition as a show presents it: its parameters as a user may see them (hidden ones masked), and its template's description ("No description" for a template without one, as Heat says; empty for a stack without a definition).</summary>
public sealed record StackTemplateSummary(IReadOnlyDictionary<string, string> Parameters, string Description);
