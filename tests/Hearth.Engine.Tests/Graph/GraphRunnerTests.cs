using System.Collections.Concurrent;
using Hearth.Engine.Graph;

namespace Hearth.Engine.Tests.Graph;

public sealed class GraphRunnerTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Default;

    [Fact]
    public async Task RunAsync_Chain_RunsEachNodeAfterItsDependency()
    {
        var order = new ConcurrentQueue<int>();
        var nodes = Enumerable.Range(0, 50).ToList();
        var outcomes = await new GraphRunner<int>(8).RunAsync(
            nodes,
            n => n == 0 ? [] : [n - 1],
            async (n, ct) =>
            {
                await Task.Yield();
                order.Enqueue(n);
                return true;
            },
            CancellationToken.None).WaitAsync(Timeout);

        order.ShouldBe(nodes);
        outcomes.Values.ShouldAllBe(o => o == NodeOutcome.Succeeded);
    }

    [Fact]
    public async Task RunAsync_IndependentNodes_NeverExceedsMaxParallel()
    {
        // The first nodes wait until three run at once, so the bound is reached whatever the machine's speed; were it
        // not enforced, the nodes started meanwhile would push the peak above three.
        var running = 0;
        var peak = 0;
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await new GraphRunner<int>(3).RunAsync(
            Enumerable.Range(0, 30).ToList(),
            _ => [],
            async (_, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                if (now == 3)
                {
                    full.TrySetResult();
                }

                await full.Task.WaitAsync(ct);
                Interlocked.Decrement(ref running);
                return true;
            },
            CancellationToken.None).WaitAsync(Timeout);

        peak.ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_Failure_StopsStartingNewWorkButLetsRunningWorkFinish()
    {
        // a fails at once while b is running; b finishes; c (after a) and d (queued after b) never start.
        var bRunning = new TaskCompletionSource();
        var started = new ConcurrentBag<string>();
        var outcomes = await new GraphRunner<string>(2).RunAsync(
            ["a", "b", "c", "d"],
            n => n switch { "c" => ["a"], "d" => ["b"], _ => [] },
            async (n, ct) =>
            {
                started.Add(n);
                if (n == "b")
                {
                    bRunning.SetResult();
                    await Task.Delay(50, ct);
                    return true;
                }

                await bRunning.Task;
                return n != "a";
            },
            CancellationToken.None).WaitAsync(Timeout);

        outcomes["a"].ShouldBe(NodeOutcome.Failed);
        outcomes["b"].ShouldBe(NodeOutcome.Succeeded);
        outcomes["c"].ShouldBe(NodeOutcome.NotStarted);
        outcomes["d"].ShouldBe(NodeOutcome.NotStarted);
        started.ShouldNotContain("c");
        started.ShouldNotContain("d");
    }

    [Fact]
    public async Task RunAsync_WorkThrows_RethrowsAfterRunningWorkEnds()
    {
        var error = await Should.ThrowAsync<GraphRunException>(new GraphRunner<int>(2).RunAsync(
            [1, 2],
            _ => [],
            (n, _) => n == 1 ? throw new InvalidOperationException("bug") : Task.FromResult(true),
            CancellationToken.None).WaitAsync(Timeout));

        error.InnerException.ShouldBeOfType<InvalidOperationException>().Message.ShouldBe("bug");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
