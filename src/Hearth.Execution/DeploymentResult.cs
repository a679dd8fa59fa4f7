using System.Collections.Immutable;

namespace Hearth.Execution;

/// <summary>
/// What a deployment run did. <see cref="Stdout"/> and <see cref="Stderr"/> are the tails of the streams (bounded by
/// the transport, with a marker line at the start when bytes were dropped). <see cref="Outputs"/> holds each declared
/// output whose file the config wrote, as its whole text; an output that was not written is absent.
/// </summary>
public sealed record DeploymentResult(
    DeploymentStatus Status,
    int? ExitCode,
    string Stdout,
    string Stderr,
    ImmutableDictionary<string, object?> Outputs,
    string StatusReason,
    TimeSpan Duration)
{
    /// <summary>A result for a run that never started a process (skipped, refused, cancelled before it began).</summary>
    public static DeploymentResult NotRun(DeploymentStatus status, string reason, TimeSpan duration) =>
        new(status, null, "", "", ImmutableDictionary<string, object?>.Empty, reason, duration);
}
