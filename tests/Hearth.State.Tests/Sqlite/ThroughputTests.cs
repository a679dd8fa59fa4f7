using System.Diagnostics;
using Xunit.Abstractions;

namespace Hearth.State.Tests.Sqlite;

/// <summary>Measures, but does not assert, the cost of the engine's per-step write.</summary>
public sealed class ThroughputTests(ITestOutputHelper output) : StoreTestBase
{
    [Fact]
    public async Task RecordResourceAsync_TenThousandTransitions_AllPersistAndReadBack()
    {
        const int Resources = 5_000;
        var stack = await CreateStackAsync("big");
        var ids = new long[Resources];
        var watch = Stopwatch.StartNew();

        // Each resource goes CREATE_IN_PROGRESS (insert) then CREATE_COMPLETE (update): 10,000 transitions.
        for (var i = 0; i < Resources; i++)
        {
            var transition = await Store.RecordResourceAsync(
                Build.Resource(stack.Id, $"r{i}"),
                Build.Event(stack, $"r{i}"),
                Ct);
            ids[i] = transition.ResourceId;
        }

        for (var i = 0; i < Resources; i++)
        {
            await Store.RecordResourceAsync(
                Build.Resource(stack.Id, $"r{i}") with
                {
                    Id = ids[i],
                    Status = OperationStatus.Complete,
                    PhysicalId = $"p{i}",
                    UpdatedAt = Build.Time.AddSeconds(1),
                },
                Build.Event(stack, $"r{i}", ResourceAction.Create, OperationStatus.Complete),
                Ct);
        }

        var written = watch.Elapsed;
        watch.Restart();
        var resources = await Store.ListResourcesAsync(stack.Id, Ct).Within();
        var events = new List<EventRecord>();
        long after = 0;
        while (true)
        {
            var page = await Store.ListEventsAsync(stack.Id, after, 1_000, includeNested: true, Ct).Within();
            if (page.Count == 0)
            {
                break;
            }

            events.AddRange(page);
            after = page[^1].Sequence;
        }

        var read = watch.Elapsed;
        output.WriteLine(
            $"10,000 resource transitions + events: {written.TotalMilliseconds:F0} ms "
            + $"({2 * Resources / written.TotalSeconds:F0}/s, {written.TotalMicroseconds / (2 * Resources):F0} µs each); "
            + $"read back {resources.Count} resources and {events.Count} events in {read.TotalMilliseconds:F0} ms");

        resources.Select(r => r.Name).ShouldBe(Enumerable.Range(0, Resources).Select(i => $"r{i}"));
        resources.ShouldAllBe(r => r.Status == OperationStatus.Complete && r.PhysicalId == "p" + r.Name.Substring(1));
        events.Count.ShouldBe(2 * Resources);
        events.Select(e => e.Sequence).ShouldBe(events.Select(e => e.Sequence).Order().Distinct());
        events.Take(Resources).ShouldAllBe(e => e.Status == OperationStatus.InProgress);
        events.Skip(Resources).ShouldAllBe(e => e.Status == OperationStatus.Complete);
    }
}
