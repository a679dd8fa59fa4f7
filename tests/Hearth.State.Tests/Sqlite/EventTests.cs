namespace Hearth.State.Tests.Sqlite;

public sealed class EventTests : StoreTestBase
{
    [Fact]
    public async Task AppendEventAsync_AcrossStacks_SequencesStrictlyIncrease()
    {
        var web = await CreateStackAsync("web");
        var db = await CreateStackAsync("db");
        var sequences = new List<long>();

        for (var i = 0; i < 20; i++)
        {
            var stack = i % 2 == 0 ? web : db;
            sequences.Add(await Store.AppendEventAsync(Build.Event(stack, $"r{i}"), Ct).Within());
        }

        sequences.ShouldBe(sequences.Order().Distinct().ToList());
    }

    [Fact]
    public async Task ListEventsAsync_AfterAndLimit_PagesOldestFirst()
    {
        var stack = await CreateStackAsync("web");
        var appended = new List<EventRecord>();
        for (var i = 0; i < 7; i++)
        {
            var e = Build.Event(stack, $"r{i}") with { Time = Build.Time.AddSeconds(i) };
            appended.Add(e with { Sequence = await Store.AppendEventAsync(e, Ct).Within() });
        }

        var first = await Store.ListEventsAsync(stack.Id, 0, 3, includeNested: false, Ct).Within();
        var second = await Store.ListEventsAsync(stack.Id, first[^1].Sequence, 3, includeNested: false, Ct).Within();
        var third = await Store.ListEventsAsync(stack.Id, second[^1].Sequence, 3, includeNested: false, Ct).Within();
        var after = await Store.ListEventsAsync(stack.Id, third[^1].Sequence, 3, includeNested: false, Ct).Within();

        first.ShouldBe(appended[0..3]);
        second.ShouldBe(appended[3..6]);
        third.ShouldBe(appended[6..7]);
        after.ShouldBeEmpty();
    }

    [Fact]
    public async Task ListEventsAsync_IncludeNested_ReturnsDescendantsEventsInSequenceOrder()
    {
        var parent = await CreateStackAsync("web");
        var child = await CreateStackAsync("web-child", parent.Id);
        var grandchild = await CreateStackAsync("web-grandchild", child.Id);
        var other = await CreateStackAsync("db");
        var p1 = await Store.AppendEventAsync(Build.Event(parent, "a"), Ct).Within();
        var c1 = await Store.AppendEventAsync(Build.Event(child, "b"), Ct).Within();
        await Store.AppendEventAsync(Build.Event(other, "x"), Ct).Within();
        var g1 = await Store.AppendEventAsync(Build.Event(grandchild, "c"), Ct).Within();
        var p2 = await Store.AppendEventAsync(Build.Event(parent, "d"), Ct).Within();

        var nested = await Store.ListEventsAsync(parent.Id, 0, 100, includeNested: true, Ct).Within();
        var own = await Store.ListEventsAsync(parent.Id, 0, 100, includeNested: false, Ct).Within();
        var childPage = await Store.ListEventsAsync(child.Id, c1, 100, includeNested: true, Ct).Within();

        nested.Select(e => e.Sequence).ShouldBe([p1, c1, g1, p2]);
        nested.Select(e => e.StackId).ShouldBe([parent.Id, child.Id, grandchild.Id, parent.Id]);
        own.Select(e => e.Sequence).ShouldBe([p1, p2]);
        childPage.Select(e => e.Sequence).ShouldBe([g1]);
    }

    [Fact]
    public async Task AppendEventAsync_AfterNewestEventsWereDeleted_NeverReusesSequence()
    {
        var keep = await CreateStackAsync("keep");
        var doomed = await CreateStackAsync("doomed");
        await Store.AppendEventAsync(Build.Event(keep, "a"), Ct).Within();
        var newest = await Store.AppendEventAsync(Build.Event(doomed, "b"), Ct).Within();
        await Store.DeleteStackAsync(doomed.Id, Ct).Within();

        var next = await Store.AppendEventAsync(Build.Event(keep, "c"), Ct).Within();

        next.ShouldBeGreaterThan(newest);
    }

    [Fact]
    public async Task AppendEventAsync_UnknownStack_ThrowsStateConflict()
    {
        await Should.ThrowAsync<StateConflictException>(
            Store.AppendEventAsync(Build.Event(Build.Stack("ghost"), "a"), Ct).Within());
    }

    [Fact]
    public async Task ListEventsAsync_ZeroLimit_ThrowsArgumentOutOfRange()
    {
        var stack = await CreateStackAsync("web");

        await Should.ThrowAsync<ArgumentOutOfRangeException>(
            () => Store.ListEventsAsync(stack.Id, 0, 0, includeNested: false, Ct).Within());
    }

    [Fact]
    public async Task ListEventPageAsync_EveryMarkerLimitOrderDepthAndResource_EqualsTheListFilteredInMemory()
    {
        var parent = await CreateStackAsync("web");
        var child = await CreateStackAsync("web-child", parent.Id);
        var grandchild = await CreateStackAsync("web-grandchild", child.Id);
        var other = await CreateStackAsync("db");
        var depthOf = new Dictionary<string, int> { [parent.Id] = 0, [child.Id] = 1, [grandchild.Id] = 2 };
        var all = new List<EventRecord>();
        foreach (var (stack, name) in new[] { (parent, "a"), (child, "a"), (other, "a"), (parent, "b"), (grandchild, "a"), (child, "b"), (parent, "a"), (grandchild, "b"), (other, "b"), (parent, "b") })
        {
            var e = Build.Event(stack, name);
            all.Add(e with { Sequence = await Store.AppendEventAsync(e, Ct).Within() });
        }

        string?[] markers = [null, "no-such-event", .. all.Select(e => e.Id)];
        var checkedPages = 0;
        foreach (var depth in new[] { 0, 1, 2, 7 })
        {
            foreach (var resource in new[] { null, "a" })
            {
                foreach (var descending in new[] { false, true })
                {
                    foreach (var marker in markers)
                    {
                        foreach (var limit in new int?[] { null, 0, 1, 2, 100 })
                        {
                            var query = new EventPageQuery(parent.Id, depth, resource, marker, descending, limit);
                            var page = await Store.ListEventPageAsync(query, Ct).Within();
                            page.ShouldBe(InMemory(query), query.ToString());
                            checkedPages++;
                        }
                    }
                }
            }
        }

        checkedPages.ShouldBe(4 * 2 * 2 * markers.Length * 5);

        // The events of the tree (nested as deep as asked), of the resource, ordered, after the marker's place, then the limit.
        List<EventRecord> InMemory(EventPageQuery query)
        {
            var ordered = query.Descending ? all.AsEnumerable().Reverse().ToList() : all;
            var markerAt = ordered.FindIndex(e => e.Id == query.Marker);
            var events = ordered
                .Skip(markerAt + 1)
                .Where(e => depthOf.TryGetValue(e.StackId, out var d) && d <= query.NestedDepth)
                .Where(e => query.ResourceName is null || e.ResourceName == query.ResourceName);
            return [.. events.Take(query.Limit ?? int.MaxValue)];
        }
    }

    [Fact]
    public async Task ListEventPageAsync_MarkerOfAnotherStacksEvent_StartsAfterItsPlaceInTheOrder()
    {
        var web = await CreateStackAsync("web");
        var db = await CreateStackAsync("db");
        var first = await Store.AppendEventAsync(Build.Event(web, "a"), Ct).Within();
        var foreign = Build.Event(db, "x");
        await Store.AppendEventAsync(foreign, Ct).Within();
        var third = await Store.AppendEventAsync(Build.Event(web, "b"), Ct).Within();

        var after = await Store.ListEventPageAsync(new EventPageQuery(web.Id, Marker: foreign.Id), Ct).Within();
        var before = await Store.ListEventPageAsync(new EventPageQuery(web.Id, Marker: foreign.Id, Descending: true), Ct).Within();

        after.Select(e => e.Sequence).ShouldBe([third]);
        before.Select(e => e.Sequence).ShouldBe([first]);
    }

    [Fact]
    public async Task GetEventAsync_ById_ReturnsTheEventOrNull()
    {
        var stack = await CreateStackAsync("web");
        var e = Build.Event(stack, "a");
        var sequence = await Store.AppendEventAsync(e, Ct).Within();

        var found = await Store.GetEventAsync(e.Id, Ct).Within();
        var missing = await Store.GetEventAsync("no-such-event", Ct).Within();

        found.ShouldBe(e with { Sequence = sequence });
        missing.ShouldBeNull();
    }
}
