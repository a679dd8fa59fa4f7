namespace Hearth.Execution.Tests.Local;

/// <summary>The marked processes of these tests; the work is in <see cref="ProcessTable"/> and <see cref="Poll"/>.</summary>
internal static class Processes
{
    /// <summary>How long SIGKILL may take to land on a whole tree.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<int> WithMarker(string marker) => ProcessTable.WithMarker(marker);

    /// <summary>The marked processes left once SIGKILL has had time to land (waits up to 5 s for them to go).</summary>
    public static async Task<IReadOnlyList<int>> WithMarkerAfterSettlingAsync(string marker)
    {
        await Poll.UntilAsync(() => WithMarker(marker).Count == 0, SettleLimit);
        return WithMarker(marker);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; bounded by <see cref="TestTimeouts.Default"/>.</summary>
    public static Task UntilAsync(Func<bool> condition) => Poll.UntilAsync(condition, "the processes got there");
}
