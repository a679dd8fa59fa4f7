namespace Hearth.Testing;

/// <summary>Bounded polling for what a test cannot be told about (another process, a file, a port).</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Checks <paramref name="condition"/> until it holds or <paramref name="limit"/> has passed; returns whether it held.</summary>
    /// <remarks>The limit only bounds the wait: tests assert the outcome, never how long it took.</remarks>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan limit)
    {
        using var expired = new CancellationTokenSource(limit);
        while (!condition())
        {
            try
            {
                await Task.Delay(Interval, expired.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }

    /// <summary>Like <see cref="UntilAsync(Func{bool}, TimeSpan)"/> within <see cref="TestTimeouts.Default"/>, failing the test when it never holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because)
    {
        if (!await UntilAsync(condition, TestTimeouts.Default))
        {
            throw new TimeoutException($"gave up after {TestTimeouts.Default.TotalSeconds:0} s waiting until {because}");
        }
    }

    /// <summary>Checks an asynchronous <paramref name="condition"/> (a request, a command) until it holds, within <see cref="TestTimeouts.Default"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because)
    {
        using var expired = new CancellationTokenSource(TestTimeouts.Default);
        while (!await condition().WaitAsync(TestTimeouts.Default))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), expired.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"gave up after {TestTimeouts.Default.TotalSeconds:0} s waiting until {because}");
            }
        }
    }
}
