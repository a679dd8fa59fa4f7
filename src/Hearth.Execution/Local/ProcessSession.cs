using System.Globalization;

namespace Hearth.Execution.Local;

/// <summary>
/// Kills everything a script started. The script leads a session and process group of its own whose id is its pid
/// (<see cref="ScriptProcess"/>): SIGKILL goes to the group, then to any process still in the session (one that
/// moved to a group of its own); what calls setsid(2) itself again escapes, as it would escape a terminal hang-up.
/// </summary>
internal static class ProcessSession
{
    private const int MaxRounds = 50;
    private static readonly TimeSpan RoundPause = TimeSpan.FromMilliseconds(10);

    public static async Task KillAsync(int sessionId, TimeProvider timeProvider)
    {
        // The group and the session outlive their leader while members remain, so this works after it was reaped too.
        _ = NativeMethods.Kill(-sessionId, NativeMethods.SigKill);
        for (var round = 0; round < MaxRounds; round++)
        {
            var members = Members(sessionId);
            if (members.Count == 0)
            {
                break;
            }

            foreach (var pid in members)
            {
                _ = NativeMethods.Kill(pid, NativeMethods.SigKill);
            }

            await Task.Delay(RoundPause, timeProvider, CancellationToken.None);
        }
    }

    /// <summary>The live (not zombie) processes whose session id is <paramref name="sessionId"/>, from /proc.</summary>
    public static IReadOnlyList<int> Members(int sessionId) =>
        [.. LiveProcesses().Where(process => process.Stat.Session == sessionId).Select(process => process.Pid)];

    /// <summary>Every live (not zombie) process, from /proc.</summary>
    public static IEnumerable<(int Pid, ProcessStat Stat)> LiveProcesses()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { Zombie: false } stat)
            {
                yield return (pid, stat);
            }
        }
    }

    /// <summary>A process's state, session id and start time (clock ticks since boot) from /proc/PID/stat; null if there is no such process.</summary>
    public static ProcessStat? Stat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Gone (or never was).
        }

        // "pid (comm) state ppid pgrp session … starttime(22) …": comm may hold spaces and parentheses, so split after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int StartTimeIndex = 22 - 3;
        return fields.Length > StartTimeIndex
            && int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            && long.TryParse(fields[StartTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks)
                ? new ProcessStat(Zombie: fields[0] is "Z" or "X", session, startTicks)
                : null;
    }
}

/// <summary>What <see cref="ProcessSession.Stat"/> reads: a zombie has exited and waits to be reaped.</summary>
internal readonly record struct ProcessStat(bool Zombie, int Session, long StartTicks);
