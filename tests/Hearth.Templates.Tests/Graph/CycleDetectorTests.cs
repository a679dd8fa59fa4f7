using Hearth.Templates.Graph;

namespace Hearth.Templates.Tests.Graph;

public sealed class CycleDetectorTests
{
    [Fact]
    public void FindCycles_ThreeNodeCycle_NamesEveryNodeInEdgeOrder()
    {
        var edges = new Dictionary<string, string[]> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a"], ["d"] = ["a"] };

        var cycles = CycleDetector.FindCycles(edges.Keys, n => edges[n]);

        cycles.Length.ShouldBe(1);
        var cycle = cycles[0].ToList();
        cycle.Count.ShouldBe(3);
        cycle.ShouldBe(["a", "b", "c"], ignoreOrder: true);
        // Consecutive members follow the edges: x -> next.
        for (var i = 0; i < cycle.Count; i++)
        {
            edges[cycle[i]].ShouldContain(cycle[(i + 1) % cycle.Count]);
        }
    }

    [Fact]
    public void FindCycles_SelfReference_IsACycle()
    {
        CycleDetector.FindCycles(["a", "b"], n => n == "a" ? ["a"] : []).Single().ShouldBe(["a"]);
    }

    [Fact]
    public void FindCycles_LongChain_NoCycleAndNoStackOverflow()
    {
        var nodes = Enumerable.Range(0, 100_000).ToList();
        CycleDetector.FindCycles(nodes, n => n == 0 ? [] : [n - 1]).ShouldBeEmpty();
    }

    [Fact]
    public void FindCycles_TwoSeparateCycles_BothReported()
    {
        var edges = new Dictionary<int, int[]> { [1] = [2], [2] = [1], [3] = [4], [4] = [3], [5] = [] };
        CycleDetector.FindCycles(edges.Keys, n => edges[n]).Length.ShouldBe(2);
    }
}
