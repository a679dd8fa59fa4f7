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
}
