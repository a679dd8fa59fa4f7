using System.Globalization;

namespace Hearth.Execution.Tests.Local;

/// <summary>Finds processes by a marker in their command line, from /proc (zombies have none, so they never match).</summary>
internal static class Processes
{
    public static IReadOnlyList<int> WithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The marked processes left once SIGKILL has had time to land (polls up to 5 s for them to go).</summary>
    public static async Task<IReadOnlyList<int>> WithMarkerAfterSettlingAsync(string marker)
    {
        for (var i = 0; i < 50; i++)
        {
            var left = WithMarker(marker);
            if (left.Count == 0)
            {
                return left;
            }

            await Task.Delay(100);
        }

        return WithMarker(marker);
    }

    public static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20);
        }
    }
}
