using System.Diagnostics;
using System.Globalization;

namespace Hearth.Testing;

/// <summary>
/// Processes as Linux's /proc shows them: the ones a test's scripts started, found by a marker in their command line
/// or by their working folder, and killed at the end. A process that ends while it is read is skipped.
/// </summary>
public static class ProcessTable
{
    /// <summary>The live processes whose command line contains <paramref name="marker"/> (zombies have none, so never match).</summary>
    public static IReadOnlyList<int> WithMarker(string marker) =>
        [.. All().Where(pid => Read(pid, "cmdline")?.Replace('\0', ' ').Contains(marker, StringComparison.Ordinal) == true)];

    /// <summary>The processes whose working folder is <paramref name="folder"/> or below it.</summary>
    public static IReadOnlyList<int> WorkingUnder(string folder)
    {
        var prefix = Path.TrimEndingDirectorySeparator(folder) + "/";
        return [.. All().Where(pid => WorkingDirectory(pid) is { } cwd && (cwd + "/").StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>Where the process runs, or null once it is gone (or not ours to look at).</summary>
    public static string? WorkingDirectory(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's state letter (Z for a zombie), group and session; null once it is gone.</summary>
    public static ProcessStat? Stat(int pid)
    {
        // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses, so read after the last ')'.
        var stat = Read(pid, "stat");
        if (stat is null)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessStat(fields[0][0], int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    /// <summary>The process's parent, or null once it is gone.</summary>
    public static int? Parent(int pid) =>
        Read(pid, "stat") is { } stat ? int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) : null;

    /// <summary>Kills each process and its descendants (test teardown); one that has ended meanwhile is skipped.</summary>
    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }

    private static IEnumerable<int> All()
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{file}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>What /proc/PID/stat says of a process that matters to tests.</summary>
public sealed record ProcessStat(char State, int ProcessGroup, int Session)
{
    public bool IsZombie => State == 'Z';
}
