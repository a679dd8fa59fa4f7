using System.Collections.Immutable;
using Hearth.Engine.Failures;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;

namespace Hearth.Engine.Operations;

/// <summary>How an operation ended: the stack as it is now, and what failed, if anything (each failed resource's <see cref="Failure"/>).</summary>
public sealed record OperationOutcome(StackRecord Stack, bool Succeeded, ImmutableArray<Failure> Failures, bool RolledBack)
{
    /// <summary>
    /// The stack's outputs, evaluated against its resources as the operation left them, when it succeeded (the same as
    /// <see cref="StackEngine.GetOutputsAsync"/> then gives, without loading the definition and every row again); null otherwise.
    /// </summary>
    public IReadOnlyList<OutputValue>? Outputs { get; init; }
}

/// <summary>The kind of user-facing engine error, which the CLI maps to its exit code.</summary>
public enum EngineErrorKind
{
    /// <summary>The template, environment or parameters are wrong (exit 2).</summary>
    InvalidInput,

    /// <summary>The stack is locked by another operation, or interrupted (exit 3).</summary>
    Busy,

    /// <summary>The stack, resource or output does not exist (exit 4).</summary>
    NotFound,

    /// <summary>The request does not fit the stack's state (exit 2).</summary>
    Conflict,
}

/// <summary>
/// A request the engine refuses: what is wrong, and (as <see cref="Suggestion"/>) what the user can do instead. Never a
/// bug. The message names no command of any host: each host (the CLI, an API server) renders the suggestion its own way.
/// </summary>
public sealed class EngineException(EngineErrorKind kind, string message, ImmutableArray<Diagnostic> diagnostics = default, SuggestedAction? suggestion = null) : Exception(message)
{
    public EngineErrorKind Kind { get; } = kind;

    public ImmutableArray<Diagnostic> Diagnostics { get; } = diagnostics.IsDefault ? [] : diagnostics;

    public SuggestedAction? Suggestion { get; } = suggestion;

    /// <summary>The stack does not exist: one message wherever the stack was looked for (the local state or a server).</summary>
    public static EngineException StackNotFound(string name) =>
        new(EngineErrorKind.NotFound, $"stack '{name}' not found", suggestion: new SuggestedAction(SuggestedActionKind.ListStacks, name));

    /// <summary>
    /// A template refused for its <paramref name="diagnostics"/>: one summary of them wherever a template is refused
    /// (<c>template validate</c>, and every stack operation before it records anything, locally or on a server).
    /// </summary>
    public static EngineException TemplateErrors(ImmutableArray<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Count(d => d.IsError);
        // The command line's --parameter values are reported at "--parameter:1:N" (the Nth): the summary names them too.
        var ofParameters = diagnostics.Count(d => d.IsError && d.Span.File == CommandLineParameters.SourceName);
        var subject = ofParameters == 0 ? "the template has" : ofParameters == errors ? "the --parameter values have" : "the template and its --parameter values have";
        return new(EngineErrorKind.InvalidInput, $"{subject} {errors} error{(errors == 1 ? "" : "s")}", diagnostics);
    }
}

/// <summary>What a user can do about a refused request, on the stack it names.</summary>
public sealed record SuggestedAction(SuggestedActionKind Kind, string StackName);

/// <summary>The actions an <see cref="EngineException"/> may suggest.</summary>
public enum SuggestedActionKind
{
    /// <summary>The stack exists: update it, or create one with another name.</summary>
    UpdateStack,

    /// <summary>The stack does not exist: list those that do.</summary>
    ListStacks,

    /// <summary>The resource is not paused at a hook: list the hooks of the stack that are.</summary>
    ListHooks,

    /// <summary>The stack's last operation was interrupted: resume it to finish it, or cancel it to roll it back.</summary>
    ResumeOrCancel,

    /// <summary>An operation runs on the stack: wait for it, or stop it where it runs (it then rolls back).</summary>
    WaitOrStop,
}

/// <summary>An output as Heat's API shows it: a value, or the error that evaluating it raised.</summary>
public sealed record OutputValue(string Key, string? Description, object? Value, string? Error);

/// <summary>What preview found: per resource, the change and why.</summary>
public sealed record PreviewResult(string StackName, ImmutableArray<ResourceChange> Changes);

/// <summary>A resource in the dependency graph.</summary>
public sealed record GraphNode(string Name, string Type, IReadOnlyList<string> DependsOn, string? Status);

/// <summary>A resource with the name of the stack it belongs to (nested stacks have their own names).</summary>
public sealed record StackResource(string StackName, ResourceRecord Resource);

/// <summary>A resource paused at a hook: its path (nested resources as <c>parent/child</c>), the hook, and since when.</summary>
public sealed record PausedHook(string Resource, string Hook, DateTimeOffset Since);
