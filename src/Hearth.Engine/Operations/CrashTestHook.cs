using System.Diagnostics;
using System.Globalization;

namespace Hearth.Engine.Operations;

/// <summary>
/// A test hook for the crash harness (docs/performance.md): with <c>HEARTH_CRASH_AT=N</c> the process kills itself
/// with SIGKILL right after the N-th step of this host is recorded in the store; with
/// <c>HEARTH_CRASH_AT=random:SEED</c> after a step chosen by the seed (each step dies with probability 1/8). Unset
/// (always, outside tests) there is no hook. It simulates a power loss between "recorded" and "acted on": the engine
/// must converge from there on <c>stack resume</c> or <c>stack cancel</c>. The composition root reads the variable and
/// sets the hook as <see cref="EngineOptions.StepRecorded"/>, so its step count belongs to the host that counts.
/// </summary>
public static class CrashTestHook
{
    public const string Variable = "HEARTH_CRASH_AT";

    /// <summary>The hook <paramref name="value"/> (the variable's value) asks for; null when it is unset or empty.</summary>
    /// <exception cref="InvalidOperationException">The value is neither a step number nor random:SEED.</exception>
    public static Action? Create(string? value)
    {
        var shouldCrash = Parse(value);
        return shouldCrash is null ? null : () =>
        {
            if (shouldCrash())
            {
                // SIGKILL on Unix: no finally block, no flush, no lock release, exactly as kill -9.
                using var self = Process.GetCurrentProcess();
                self.Kill();
                Thread.Sleep(Timeout.Infinite);
            }
        };
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
