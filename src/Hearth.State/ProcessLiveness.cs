using System.Diagnostics;
using System.Globalization;

namespace Hearth.State;

/// <summary>
/// Decides whether a lock holder still lives, for holders on this host: the process must exist and, on
/// Linux, have the start time recorded in the lock, so a reused pid does not keep a dead lock alive.
/// </summary>
public static class ProcessLiveness
{
    /// <summary>A lock owner for this process, with a new owner id.</summary>
    public static LockOwner CreateLocalOwner(string operation, TimeProvider timeProvider)
    {
        var pid = Environment.ProcessId;
        return new LockOwner(
            OwnerId: Guid.NewGuid().ToString(),
            ProcessId: pid,
            ProcessStartTicks: TryGetProcessStartTicks(pid) ?? 0,
            Host: Environment.MachineName,
            AcquiredAt: timeProvider.GetUtcNow(),
            Operation: operation);
    }

    /// <summary>
    /// False only when the holder is on this host and its process is gone (or its pid now belongs to a
    /// process that started at another time). A holder on another host is assumed alive: this host
    /// cannot see its processes.
    /// </summary>
    public static bool IsAlive(LockOwner holder)
    {
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.Ordinal))
        {
            return true;
        }

        if (OperatingSystem.IsLinux())
        {
            var startTicks = TryGetProcessStartTicks(holder.ProcessId);
            return startTicks is not null
                && (holder.ProcessStartTicks == 0 || holder.ProcessStartTicks == startTicks);
        }

        try
        {
            using var process = Process.GetProcessById(holder.ProcessId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// A process's start time in clock ticks since boot (<c>/proc/PID/stat</c> field 22), or null if the
    /// process does not exist or this is not Linux.
    /// </summary>
    public static long? TryGetProcessStartTicks(int processId)
    {
        if (!OperatingSystem.IsLinux() || processId <= 0)
        {
            return null;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return ParseStartTicks(stat);
    }

    /// <summary>Reads field 22 of a <c>/proc/PID/stat</c> line.</summary>
    internal static long? ParseStartTicks(string stat)
    {
        // Field 2 is the command name in parentheses and may itself contain spaces and ')', so count
        // fields from the last ')': the text after it starts with field 3.
        var commandEnd = stat.LastIndexOf(')');
        if (commandEnd < 0)
        {
            return null;
        }

        var fields = stat[(commandEnd + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int StartTimeIndex = 22 - 3;
        return fields.Length > StartTimeIndex
            && long.TryParse(fields[StartTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? ticks
                : null;
    }
}
