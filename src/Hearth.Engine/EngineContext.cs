using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Model;
using Hearth.Templates.Syntax;

namespace Hearth.Engine;

/// <summary>Options of the engine that a user sets (<c>--max-parallel</c>, …).</summary>
/// <param name="MaxParallel">The most resource actions running at once in one stack operation.</param>
public sealed record EngineOptions(int MaxParallel = EngineOptions.DefaultMaxParallel)
{
    /// <summary>Resource actions mostly wait (on scripts, on servers), so many may run at once; a bound keeps a 10,000-resource stack sane.</summary>
    public const int DefaultMaxParallel = 64;

    /// <summary>Checked when the engine is built, so a bad value fails before an operation records anything.</summary>
    public int MaxParallel { get; init; } = MaxParallel >= 1 ? MaxParallel : throw new ArgumentOutOfRangeException(nameof(MaxParallel), MaxParallel, "at least one action must be allowed to run");

    /// <summary>Where parsed templates are kept between processes (the CLI: in the state folder); null to parse every time.</summary>
    public IDocumentCache? Documents { get; init; }

    /// <summary>The host's templates read lately (shared with what the host read before it built the engine).</summary>
    public TemplateCache Templates { get; init; } = new();

    /// <summary>Called after each step is committed and observed: the crash harness's hook (<see cref="Operations.CrashTestHook"/>), else null.</summary>
    public Action? StepRecorded { get; init; }
}

/// <summary>Receives events as they are recorded, for live progress. Called from many threads.</summary>
public interface IEngineObserver
{
    void OnEvent(EventRecord stackEvent);
}

/// <summary>The services an operation uses: the store, the resource types, the clock, the options.</summary>
internal sealed record EngineContext(
    IStateStore Store,
    ResourceHandlerRegistry Handlers,
    TimeProvider Time,
    EngineOptions Options,
    IEngineObserver? Observer);
