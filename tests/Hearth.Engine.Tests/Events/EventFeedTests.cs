using Hearth.Engine.Events;
using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Engine.Tests.Events;

/// <summary>
/// The event feed over a real SQLite store: a commit in this process wakes readers at once (the fake clock never lets
/// the poll fire), another process's commit shows at the next poll, replays come in bounded pages, each event once.
/// </summary>
public sealed class EventFeedTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("hearth-feed-test-");
    private readonly FakeTimeProvider _clock = new();
    private SqliteStateStore? _store;

    private SqliteStateStore Store => _store ?? throw new InvalidOperationException("not open");

    public async Task InitializeAsync() => _store = await SqliteStateStore.OpenAsync(_folder.Combine("state"), _clock, CancellationToken.None).Within();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task WatchAsync_EventsCommittedInThisProcess_WakeTheReaderWithoutAPoll()
    {
        var stack = await CreateStackAsync("a");
        var feed = new EventFeed(Store, _clock);
        using var stop = new CancellationTokenSource(TestTimeouts.Default);
        var received = new List<EventRecord>();
        var reading = Task.Run(async () =>
        {
            await foreach (var evt in feed.WatchAsync(EventScope.Stack(stack.Id), 0, stop.Token))
            {
                received.Add(evt);
                if (received.Count == 3)
                {
                    return;
                }
            }
        });
        await _clock.WhenWaitingAsync();

        var appended = new List<long>();
        foreach (var name in new[] { "x", "y", "z" })
        {
            appended.Add(await Store.AppendEventAsync(Event(stack, name), CancellationToken.None));
        }

        await reading.Within();
        received.Select(e => (e.Sequence, e.ResourceName)).ShouldBe(appended.Zip(["x", "y", "z"]).ToList());
    }

    [Fact]
    public async Task ReadAsync_ManyEventsBehind_ReplaysEachOnceInPagesOfBoundedSize()
    {
        var stack = await CreateStackAsync("a");
        var appended = new List<long>();
        for (var i = 0; i < EventFeed.PageSize * 2 + 7; i++)
        {
            appended.Add(await Store.AppendEventAsync(Event(stack, $"r{i}"), CancellationToken.None));
        }

        var pages = new List<EventPage>();
        await foreach (var page in new EventFeed(Store, _clock).ReadAsync(EventScope.Stack(stack.Id), appended[9], CancellationToken.None))
        {
            pages.Add(page);
            if (page.CaughtUp)
            {
                break;
            }
        }

        pages.ShouldAllBe(p => p.Events.Count <= EventFeed.PageSize);
        pages.SelectMany(p => p.Events).Select(e => e.Sequence).ShouldBe(appended.Skip(10));
    }

    [Fact]
    public async Task WatchAsync_FiftyReadersOfOneFeed_EachGetsEveryEventOnceInOrder()
    {
        var stack = await CreateStackAsync("a");
        var feed = new EventFeed(Store, _clock);
        var before = new List<long>();
        for (var i = 0; i < EventFeed.PageSize + 3; i++)
        {
            before.Add(await Store.AppendEventAsync(Event(stack, $"old{i}"), CancellationToken.None));
        }

        // They replay the same full pages (shared reads), then follow the same commits.
        var readers = Enumerable.Range(0, 50).Select(_ => TakeAsync(feed, EventScope.Stack(stack.Id), before.Count + 40)).ToList();
        var during = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            during.Add(await Store.AppendEventAsync(Event(stack, $"new{i}"), CancellationToken.None));
        }

        foreach (var reader in readers)
        {
            (await reader.Within()).Select(e => e.Sequence).ShouldBe(before.Concat(during));
        }
    }

    [Fact]
    public async Task WatchAsync_Scopes_OneStackOrEveryStackInCommitOrder()
    {
        var a = await CreateStackAsync("a");
        var b = await CreateStackAsync("b");
        var order = new List<(string Stack, long Sequence)>();
        foreach (var stack in new[] { a, b, a, b, b })
        {
            order.Add((stack.Name, await Store.AppendEventAsync(Event(stack, "r"), CancellationToken.None)));
        }

        var feed = new EventFeed(Store, _clock);
        (await TakeAsync(feed, EventScope.AllStacks, 5)).Select(e => (e.StackName, e.Sequence)).ShouldBe(order);
        (await TakeAsync(feed, EventScope.Stack(b.Id), 3)).Select(e => e.Sequence).ShouldBe(order.Where(o => o.Stack == "b").Select(o => o.Sequence));
    }

    [Fact]
    public async Task WatchAsync_EventsCommittedByAnotherProcess_SeenAtTheNextPoll()
    {
        var stack = await CreateStackAsync("a");
        await using var other = await SqliteStateStore.OpenAsync(_folder.Combine("state"), _clock, CancellationToken.None).Within();
        var feed = new EventFeed(Store, TimeProvider.System, TimeSpan.FromMilliseconds(10));
        var reading = TakeAsync(feed, EventScope.Stack(stack.Id), 1);

        var sequence = await other.AppendEventAsync(Event(stack, "elsewhere"), CancellationToken.None);

        (await reading).Single().Sequence.ShouldBe(sequence);
    }

    private static async Task<List<EventRecord>> TakeAsync(EventFeed feed, EventScope scope, int count)
    {
        using var stop = new CancellationTokenSource(TestTimeouts.Default);
        var taken = new List<EventRecord>();
        await foreach (var evt in feed.WatchAsync(scope, 0, stop.Token))
        {
            taken.Add(evt);
            if (taken.Count == count)
            {
                break;
            }
        }

        return taken;
    }

    private async Task<StackRecord> CreateStackAsync(string name)
    {
        var stack = new StackRecord(Guid.NewGuid().ToString(), name, null, null, ResourceAction.Create, OperationStatus.InProgress, "",
            _clock.GetUtcNow(), null, null, null, false, null);
        await Store.CreateStackAsync(stack, CancellationToken.None);
        return stack;
    }

    private EventRecord Event(StackRecord stack, string resource) => new(0, Guid.NewGuid().ToString(), stack.Id, stack.Name, resource, null,
        "OS::Heat::None", ResourceAction.Create, OperationStatus.Complete, "state changed", _clock.GetUtcNow());
}
