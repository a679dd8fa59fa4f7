using System.Diagnostics;
using System.Globalization;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// Processes that deployment scripts left running (servers, or scripts a killed engine orphaned), found by their
/// working directory under a state folder's <c>deployments/</c> (Linux /proc).
/// </summary>
internal static class DeploymentProcesses
{
    /// <summary>Waits (bounded: 15 s) until no process runs in the state's deployment folders.</summary>
    public static async Task WaitForNoneAsync(string state)
    {
        for (var i = 0; i < 300 && In(state).Any(); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Kills every process still running in the state's deployment folders (test teardown).</summary>
    public static void KillAll(string state)
    {
        foreach (var pid in In(state))
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

    public static IEnumerable<int> In(string state)
    {
        var folder = Path.Combine(state, "deployments") + "/";
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string? cwd;
            try
            {
                cwd = new FileInfo(Path.Combine(entry, "cwd")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (cwd is not null && (cwd + "/").StartsWith(folder, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }
}
