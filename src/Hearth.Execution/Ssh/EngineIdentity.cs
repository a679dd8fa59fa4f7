using System.Globalization;
using System.Runtime.Versioning;
using Hearth.Execution.Local;

namespace Hearth.Execution.Ssh;

/// <summary>
/// This engine as a remote run record names it: "MACHINE PID STARTTICKS". A later engine on the same machine whose
/// record names a process that is gone knows the run is an orphan; a record of another machine is left alone (its
/// engine may be alive).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class EngineIdentity
{
    public static string Current { get; } = string.Create(CultureInfo.InvariantCulture,
        $"{Environment.MachineName} {Environment.ProcessId} {ProcessSession.Stat(Environment.ProcessId)?.StartTicks ?? 0}");

    /// <summary>The engine <paramref name="identity"/> names ran on this machine and is gone.</summary>
    public static bool IsDeadHere(string identity)
    {
        var fields = identity.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 3
            && fields[0] == Environment.MachineName
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && !(ProcessSession.Stat(pid) is { Zombie: false } stat && stat.StartTicks == ticks);
    }
}
