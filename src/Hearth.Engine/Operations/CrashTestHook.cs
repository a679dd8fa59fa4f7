using System.Diagnostics;
using System.Globalization;

namespace Hearth.Engine.Operations;

/// <summary>
/// A test hook for the crash harness (docs/performance.md): with <c>HEARTH_CRASH_AT=N</c> the process kills itself
/// with SIGKILL right after the N-th step of this process is recorded in the store; with
/// <c>HEARTH_CRASH_AT=random:SEED</c> after a step chosen by the seed (each step dies with probability 1/8). Unset
/// (always, outside tests) it does nothing. It simulates a power loss between "recorded" and "acted on": the engine
/// must converge from there on <c>stack resume</c> or <c>stack cancel</c>.
/// </summary>
internal static class CrashTestHook
{
    public const string Variable = "HEARTH_CRASH_AT";

    private static readonly Func<bool>? _shouldCrash = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Called once per recorded step; never returns when this is the chosen step.</summary>
    public static void StepRecorded()
    {
        if (_shouldCrash is not null && _shouldCrash())
        {
            // SIGKILL on Unix: no finally block, no flush, no lock release, exactly as kill -9.
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static Func<bool>? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var steps = 0;
        if (value.StartsWith("random:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan("random:".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
        {
            var random = new Random(seed);
            var gate = new Lock();
            return () =>
            {
                lock (gate)
                {
                    return random.Next(8) == 0;
                }
            };
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at) && at > 0
            ? () => Interlocked.Increment(ref steps) == at
            : throw new InvalidOperationException($"{Variable} must be a step number (1, 2, …) or random:SEED, not '{value}'");
    }
}
