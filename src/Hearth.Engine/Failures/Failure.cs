using System.Collections.Immutable;
using Hearth.State;

namespace Hearth.Engine.Failures;

/// <summary>
/// Why a resource's action (or an operation) failed, as data: a kind and what it carries. It becomes text only where a
/// person reads it (an event's status reason, the CLI), by <see cref="ToString"/>.
/// </summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">The reason as a person reads it, without the resource's name.</param>
public sealed record Failure(FailureKind Kind, string Message)
{
    /// <summary>The resource whose action failed; null for a failure of the operation itself.</summary>
    public string? Resource { get; init; }

    /// <summary>The action that failed (create, update, delete, rollback).</summary>
    public ResourceAction? Action { get; init; }

    /// <summary>A script's exit status, when one ran and exited.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The tail of what a deployment's script wrote to stdout (bounded by the transport).</summary>
    public string? Stdout { get; init; }

    /// <summary>The tail of what a deployment's script wrote to stderr (bounded by the transport).</summary>
    public string? Stderr { get; init; }

    /// <summary>The failures inside what failed: a nested stack's or a group's resources.</summary>
    public ImmutableArray<Failure> Inner { get; init; } = [];

    /// <summary>The user's stop request (Ctrl+C, SIGTERM) ended the operation before anything failed.</summary>
    public static Failure CancelledByUser() => new(FailureKind.CancelledByUser, CancelledByUserText);

    /// <summary>The user's stop request ended a resource's action.</summary>
    public static Failure Stopped() => new(FailureKind.CancelledByUser, "stopped: " + CancelledByUserText);

    internal const string CancelledByUserText = "the operation was cancelled by the user";

    /// <summary>The same failure as one of <paramref name="resource"/> (kept if already set).</summary>
    public Failure Of(string resource) => this with { Resource = Resource ?? resource };

    /// <summary>The same failure as one of <paramref name="resource"/>'s <paramref name="action"/> (kept if already set).</summary>
    public Failure Of(string resource, ResourceAction action) => this with { Resource = Resource ?? resource, Action = Action ?? action };

    /// <summary>Every text in it passed through <paramref name="mask"/> (hidden parameter values a message or a script's output quotes).</summary>
    public Failure Masked(Func<string, string> mask) => this with
    {
        Message = mask(Message),
        Stdout = Stdout is null ? null : mask(Stdout),
        Stderr = Stderr is null ? null : mask(Stderr),
        Inner = [.. Inner.Select(f => f.Masked(mask))],
    };

    /// <summary>One line: the resource's name, then the reason.</summary>
    public override string ToString() => Resource is null ? Message : $"{Resource}: {Message}";

    /// <summary>Records compare their arrays by reference; failures compare by what they say.</summary>
    public bool Equals(Failure? other) =>
        other is not null
        && Kind == other.Kind && Message == other.Message && Resource == other.Resource && Action == other.Action
        && ExitCode == other.ExitCode && Stdout == other.Stdout && Stderr == other.Stderr && Inner.SequenceEqual(other.Inner);

    public override int GetHashCode() => HashCode.Combine(Kind, Message, Resource, Action, ExitCode);
}
