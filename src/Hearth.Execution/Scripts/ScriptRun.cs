using System.Collections.Immutable;
using System.Globalization;

namespace Hearth.Execution.Scripts;

/// <summary>How a script process ended, before the deployment's failure rules are applied.</summary>
internal enum ScriptTermination
{
    Exited,
    TimedOut,
    Cancelled,
}

/// <summary>What one run of a script produced, whichever transport ran it.</summary>
/// <param name="RefusedOutputs">Why output files were not read (not a regular file, too large), one sentence each.</param>
internal sealed record ScriptRun(
    ScriptTermination Termination,
    int? ExitCode,
    string Stdout,
    string Stderr,
    ImmutableDictionary<string, object?> Outputs,
    ImmutableArray<string> RefusedOutputs = default);

/// <summary>Turns a script run into a deployment result with Heat's signal-processing rules.</summary>
internal static class ScriptResults
{
    private const int ReasonValueMaxChars = 512;

    /// <summary>
    /// Timed out or cancelled → that status. Otherwise FAILED when a declared <c>error_output</c> has a value
    /// ("An error output was set: name : value"), an output file was refused, or the exit status is not 0 ("Deployment exited with non-zero
    /// status code: N"); else COMPLETE ("Outputs received", as Heat says). The reason is sentences only: the script's
    /// stderr is the result's own field, which a failure carries as its stderr tail and each view shows as it fits.
    /// </summary>
    public static DeploymentResult Interpret(
        ScriptRun run,
        IEnumerable<DeploymentOutputDeclaration> declared,
        TimeSpan timeout,
        TimeSpan duration)
    {
        switch (run.Termination)
        {
            case ScriptTermination.TimedOut:
                return Result(DeploymentStatus.TimedOut, $"Deployment timed out after {FormatSeconds(timeout)}");
            case ScriptTermination.Cancelled:
                return Result(DeploymentStatus.Cancelled, "Deployment cancelled.");
        }

        var reasons = new List<string>();
        foreach (var output in declared)
        {
            if (output.ErrorOutput && run.Outputs.TryGetValue(output.Name, out var value))
            {
                reasons.Add($"An error output was set: {output.Name} : {Shorten(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")}");
            }
        }

        if (!run.RefusedOutputs.IsDefault)
        {
            reasons.AddRange(run.RefusedOutputs);
        }

        if (run.ExitCode is { } code && code != 0)
        {
            reasons.Add($"Deployment exited with non-zero status code: {code.ToString(CultureInfo.InvariantCulture)}");
        }

        return reasons.Count == 0
            ? Result(DeploymentStatus.Complete, "Outputs received")
            : Result(DeploymentStatus.Failed, string.Join("\n", reasons));

        DeploymentResult Result(DeploymentStatus status, string reason) =>
            new(status, run.ExitCode, run.Stdout, run.Stderr, run.Outputs, reason, duration);
    }

    public static string FormatSeconds(TimeSpan span) =>
        span.TotalSeconds == Math.Floor(span.TotalSeconds)
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s");

    private static string Shorten(string text) =>
        text.Length <= ReasonValueMaxChars ? text : text[..ReasonValueMaxChars] + "…";
}
