using Hearth.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Tests.Sqlite;

public sealed class ConcurrencyTests : StoreTestBase
{
    [Fact]
    public async Task RecordResourceAsync_TwoStoresWritingAtOnce_BothSucceedWithDistinctSequences()
    {
        const int PerStore = 300;
        var stack = await CreateStackAsync("web");
        await using var a = await OpenAnotherAsync();
        await using var b = await OpenAnotherAsync();

        async Task<List<long>> WriteAsync(IStateStore store, string prefix)
        {
            var sequences = new List<long>();
            for (var i = 0; i < PerStore; i++)
            {
                var transition = await store.RecordResourceAsync(
                    Build.Resource(stack.Id, $"{prefix}{i}"),
                    Build.Event(stack, $"{prefix}{i}"),
                    Ct);
                sequences.Add(transition.EventSequence ?? 0);
            }

            return sequences;
        }

        var results = await Task.WhenAll(
            Task.Run(() => WriteAsync(a, "a")),
            Task.Run(() => WriteAsync(b, "b"))).Within();

        results[0].ShouldBe(results[0].Order().ToList());
        results[1].ShouldBe(results[1].Order().ToList());
        results.SelectMany(r => r).Distinct().Count().ShouldBe(2 * PerStore);
        var resources = await Store.ListResourcesAsync(stack.Id, Ct).Within();
        resources.Select(r => r.Name).ShouldBe(
            Enumerable.Range(0, PerStore).SelectMany(i => new[] { $"a{i}", $"b{i}" }),
            ignoreOrder: true);
    }

    [Fact]
    public async Task OpenAsync_ManyStoresOpeningNewFolderAtOnce_AllOpenAtLatestVersion()
    {
        using var folder = new TempFolder();
        var opens = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => SqliteStateStore.OpenAsync(folder.Path, Clock, Ct)))
            .ToArray();

        var stores = await Task.WhenAll(opens).Within();
        try
        {
            stores.Select(s => s.SchemaVersion).Distinct().ShouldBe([SqliteSchema.Migrations[^1].Version]);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CreateStackAsync_TwoStoresCreatingSameNameTwentyRounds_ExactlyOneWinsEachRound()
    {
        await using var a = await OpenAnotherAsync();
        await using var b = await OpenAnotherAsync();

        for (var round = 0; round < 20; round++)
        {
            var name = $"web-{round}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task<Exception?> CreateAsync(IStateStore store)
            {
                await start.Task;
                try
                {
                    await store.CreateStackAsync(Build.Stack(name), Ct);
                    return null;
                }
                catch (StackAlreadyExistsException error)
                {
                    return error;
                }
            }

            var racing = new[] { Task.Run(() => CreateAsync(a)), Task.Run(() => CreateAsync(b)) };
            start.SetResult();
            var outcomes = await Task.WhenAll(racing).Within();

            outcomes.Count(e => e is null).ShouldBe(1, $"round {round}");
            outcomes.OfType<StackAlreadyExistsException>().Single().Name.ShouldBe(name);
        }
    }

    [Fact]
    public async Task RecordResourceAsync_AnotherConnectionHoldsWriteLockPastTimeout_ThrowsStateStoreBusy()
    {
        var stack = await CreateStackAsync("web");
        await using var impatient = await SqliteStateStore.OpenAsync(
            Folder,
            Clock,
            SqliteSchema.Migrations,
            TimeSpan.FromSeconds(1),
            Ct).Within();
        await using var blocker = new SqliteConnection($"Data Source={impatient.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using var hold = blocker.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);

        var error = await Should.ThrowAsync<StateStoreBusyException>(
            impatient.RecordResourceAsync(Build.Resource(stack.Id, "server"), Build.Event(stack, "server"), Ct).Within());

        error.InnerException.ShouldBeOfType<SqliteException>().SqliteErrorCode.ShouldBe(5);
        (await impatient.GetStackAsync(stack.Id, Ct).Within()).ShouldBe(stack);
        await hold.RollbackAsync();
        (await impatient.SaveResourceAsync(Build.Resource(stack.Id, "server"), Ct).Within()).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task GetStackAsync_WhileAWriteTransactionIsHeldOpen_ReadsCommittedStateWithoutWaitingForIt()
    {
        var stack = await CreateStackAsync("web");
        await Store.TryAcquireLockAsync(stack.Id, Build.Owner("create"), _ => true, Ct).Within();
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();

        // The store asks whether the holder lives inside its immediate write transaction: the write stays open (holding
        // the writing connection and SQLite's write lock) until the test lets it go.
        var write = Task.Run(() => Store.TryAcquireLockAsync(
            stack.Id,
            Build.Owner("update"),
            _ =>
            {
                inside.SetResult();
                release.Wait();
                return false;
            },
            Ct));
        StackRecord? read;
        IReadOnlyList<EventRecord> events;
        try
        {
            await inside.Task.Within();
            read = await Task.Run(() => Store.GetStackAsync(stack.Id, Ct)).Within();
            events = await Task.Run(() => Store.ListEventsAsync(stack.Id, 0, 10, includeNested: true, Ct)).Within();
            write.IsCompleted.ShouldBeFalse();
        }
        finally
        {
            // Also when the read timed out waiting for the write: the store cannot close while the write is open.
            release.Set();
        }

        read.ShouldBe(stack);
        events.ShouldBeEmpty();
        (await write.Within()).ShouldBeOfType<LockAttempt.Acquired>();
        (await Store.GetLockHolderAsync(stack.Id, Ct).Within())!.Operation.ShouldBe("update");
    }

    [Fact]
    public async Task DeleteStackAsync_RightAfterLazilyQueuedStepsOfItAndItsNestedStack_CommitsEveryStepBeforeTheRemoval()
    {
        // As an engine's delete leaves it: rows and their events queued lazily, then the stack removed without waiting.
        // A reader that finds the stack gone must find every queued step committed (had the removal gone first, each
        // event's insert would fail its stack's foreign key instead). Fewer steps than a batch, so that no flush of
        // them has started when the removal comes (a full batch starts one at once).
        const int PerStack = 100;
        var parent = await CreateStackAsync("web");
        var child = await CreateStackAsync("web-nested", parent.Id);
        var firstId = await Store.ReserveResourceIdsAsync(2 * PerStack, Ct).Within();
        var queued = new List<Task<long?>>();
        foreach (var (stack, offset) in new[] { (parent, 0), (child, PerStack) })
        {
            for (var i = 0; i < PerStack; i++)
            {
                var id = firstId + offset + i;
                queued.Add(EventSequenceAsync(Store.QueueResourceAsync(Build.Resource(stack.Id, $"r{i}") with { Id = id }, Build.Event(stack, $"r{i}", ResourceAction.Delete))));
                queued.Add(Store.QueueResourceDeletedAsync(id, Build.Event(stack, $"r{i}", ResourceAction.Delete, OperationStatus.Complete)));
            }
        }

        var removal = Store.DeleteStackAsync(parent.Id, Ct);
        await using var otherProcess = await OpenAnotherAsync();
        while (await otherProcess.GetStackAsync(child.Id, Ct).Within() is not null)
        {
            await Task.Yield();
        }

        var committedWhenGone = queued.Count(t => t.IsCompletedSuccessfully);
        (await removal.Within()).ShouldBeTrue();
        committedWhenGone.ShouldBe(queued.Count);
        var sequences = await Task.WhenAll(queued).Within();
        sequences.ShouldAllBe(s => s > 0);
        sequences.ShouldBe(sequences.Order().ToArray());
        // The stacks read as gone; their events stay for followers of the all-stacks stream.
        (await Store.ListAllEventsAsync(0, 1000, Ct).Within()).Count.ShouldBe(queued.Count);

        static async Task<long?> EventSequenceAsync(Task<ResourceTransition> transition) => (await transition).EventSequence;
    }

    [Fact]
    public async Task ListResourcesAsync_RightAfterALazilyQueuedTransition_SeesIt()
    {
        var stack = await CreateStackAsync("web");

        var queued = Store.QueueResourceAsync(Build.Resource(stack.Id, "server"), Build.Event(stack, "server"));
        var resources = await Store.ListResourcesAsync(stack.Id, Ct).Within();

        queued.IsCompletedSuccessfully.ShouldBeTrue();
        resources.ShouldHaveSingleItem().Name.ShouldBe("server");
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within()).ShouldHaveSingleItem().Sequence.ShouldBe((await queued).EventSequence!.Value);
    }
}
