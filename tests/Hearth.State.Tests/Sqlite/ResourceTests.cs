namespace Hearth.State.Tests.Sqlite;

public sealed class ResourceTests : StoreTestBase
{
    [Fact]
    public async Task SaveResourceAsync_NewRecord_AssignsIdAndRoundTrips()
    {
        var stack = await CreateStackAsync("web");
        var resource = Build.Resource(stack.Id, "server") with
        {
            PhysicalId = "i-123",
            AttributesJson = """{"ip":"10.0.0.1"}""",
            MetadataJson = """{"m":1}""",
            RequiresJson = """["net"]""",
            DataJson = """{"secret":"x"}""",
            OperationId = "op-1",
            UpdatedAt = Build.Time.AddSeconds(3),
        };

        var id = await Store.SaveResourceAsync(resource, Ct).Within();

        id.ShouldBeGreaterThan(0);
        (await Store.GetResourceAsync(id, Ct).Within()).ShouldBe(resource with { Id = id });
        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).ShouldBe([resource with { Id = id }]);
    }

    [Fact]
    public async Task SaveResourceAsync_ExistingRecord_OverwritesOnlyThatRow()
    {
        var stack = await CreateStackAsync("web");
        var serverId = await Store.SaveResourceAsync(Build.Resource(stack.Id, "server"), Ct).Within();
        var network = Build.Resource(stack.Id, "network");
        var networkId = await Store.SaveResourceAsync(network, Ct).Within();
        var complete = Build.Resource(stack.Id, "server") with
        {
            Id = serverId,
            Status = OperationStatus.Complete,
            StatusReason = "state changed",
            PhysicalId = "i-1",
        };

        (await Store.SaveResourceAsync(complete, Ct).Within()).ShouldBe(serverId);

        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).ShouldBe([complete, network with { Id = networkId }]);
    }

    [Fact]
    public async Task SaveResourceAsync_UnknownId_ThrowsResourceNotFound()
    {
        var stack = await CreateStackAsync("web");

        var error = await Should.ThrowAsync<ResourceNotFoundException>(
            Store.SaveResourceAsync(Build.Resource(stack.Id, "server") with { Id = 999 }, Ct).Within());

        error.ResourceId.ShouldBe(999);
    }

    [Fact]
    public async Task SaveResourceAsync_UnknownStack_ThrowsStateConflict()
    {
        await Should.ThrowAsync<StateConflictException>(
            Store.SaveResourceAsync(Build.Resource(Guid.NewGuid().ToString(), "server"), Ct).Within());
    }

    [Fact]
    public async Task SaveResourceAsync_SecondCurrentRowOfSameName_ThrowsStateConflict()
    {
        var stack = await CreateStackAsync("web");
        await Store.SaveResourceAsync(Build.Resource(stack.Id, "server"), Ct).Within();

        await Should.ThrowAsync<StateConflictException>(
            Store.SaveResourceAsync(Build.Resource(stack.Id, "server"), Ct).Within());

        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).Count(r => r.Name == "server").ShouldBe(1);
    }

    [Fact]
    public async Task RecordResourceAsync_WithEvent_StoresBothAndReturnsIds()
    {
        var stack = await CreateStackAsync("web");
        var resource = Build.Resource(stack.Id, "server");
        var resourceEvent = Build.Event(stack, "server");

        var transition = await Store.RecordResourceAsync(resource, resourceEvent, Ct).Within();

        transition.EventSequence.ShouldNotBeNull();
        (await Store.GetResourceAsync(transition.ResourceId, Ct).Within())
            .ShouldBe(resource with { Id = transition.ResourceId });
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within())
            .ShouldBe([resourceEvent with { Sequence = transition.EventSequence.Value }]);
    }

    [Fact]
    public async Task RecordResourceAsync_WithoutEvent_ReturnsNoSequence()
    {
        var stack = await CreateStackAsync("web");

        var transition = await Store.RecordResourceAsync(Build.Resource(stack.Id, "server"), null, Ct).Within();

        transition.EventSequence.ShouldBeNull();
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within()).ShouldBeEmpty();
    }

    [Fact]
    public async Task RecordResourceAsync_EventRejected_LeavesResourceUnchanged()
    {
        var stack = await CreateStackAsync("web");
        var first = Build.Event(stack, "server");
        var created = await Store.RecordResourceAsync(Build.Resource(stack.Id, "server"), first, Ct).Within();
        var before = await Store.GetResourceAsync(created.ResourceId, Ct).Within();
        var complete = before! with { Status = OperationStatus.Complete };

        // Reusing the event id makes the event insert fail after the resource update ran.
        await Should.ThrowAsync<StateConflictException>(
            Store.RecordResourceAsync(complete, first with { Status = OperationStatus.Complete }, Ct).Within());

        (await Store.GetResourceAsync(created.ResourceId, Ct).Within()).ShouldBe(before);
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SetCurrentResourceAsync_Replacement_MovesCurrentToNewRowAndBack()
    {
        var stack = await CreateStackAsync("web");
        var oldId = await Store.SaveResourceAsync(
            Build.Resource(stack.Id, "server") with { Status = OperationStatus.Complete, PhysicalId = "i-old" },
            Ct).Within();
        var newId = await Store.SaveResourceAsync(
            Build.Resource(stack.Id, "server", isCurrent: false) with { ReplacesId = oldId, PhysicalId = "i-new" },
            Ct).Within();

        await Store.SetCurrentResourceAsync(newId, Ct).Within();

        (await Store.GetResourceAsync(oldId, Ct).Within())!.IsCurrent.ShouldBeFalse();
        (await Store.GetResourceAsync(newId, Ct).Within())!.IsCurrent.ShouldBeTrue();

        await Store.SetCurrentResourceAsync(oldId, Ct).Within();

        (await Store.GetResourceAsync(oldId, Ct).Within())!.IsCurrent.ShouldBeTrue();
        (await Store.GetResourceAsync(newId, Ct).Within())!.IsCurrent.ShouldBeFalse();
    }

    [Fact]
    public async Task SetCurrentResourceAsync_UnknownId_ThrowsResourceNotFound()
    {
        await Should.ThrowAsync<ResourceNotFoundException>(Store.SetCurrentResourceAsync(12345, Ct).Within());
    }

    [Fact]
    public async Task DeleteResourceAsync_ReplacedRow_DeletesItAndClearsReferencesToIt()
    {
        var stack = await CreateStackAsync("web");
        var oldId = await Store.SaveResourceAsync(Build.Resource(stack.Id, "server", isCurrent: false), Ct).Within();
        var newId = await Store.SaveResourceAsync(Build.Resource(stack.Id, "server") with { ReplacesId = oldId }, Ct).Within();

        (await Store.DeleteResourceAsync(oldId, Ct).Within()).ShouldBeTrue();

        (await Store.GetResourceAsync(oldId, Ct).Within()).ShouldBeNull();
        (await Store.GetResourceAsync(newId, Ct).Within())!.ReplacesId.ShouldBeNull();
        (await Store.DeleteResourceAsync(oldId, Ct).Within()).ShouldBeFalse();
    }

    [Fact]
    public async Task SaveResourceAsync_AfterDeletingNewestRow_NeverReusesId()
    {
        var stack = await CreateStackAsync("web");
        var first = await Store.SaveResourceAsync(Build.Resource(stack.Id, "a"), Ct).Within();
        await Store.DeleteResourceAsync(first, Ct).Within();

        var second = await Store.SaveResourceAsync(Build.Resource(stack.Id, "b"), Ct).Within();

        second.ShouldBeGreaterThan(first);
    }

    [Fact]
    public async Task FindResourceByPhysicalIdAsync_AcrossStacks_FindsTheCurrentRow()
    {
        var parent = await CreateStackAsync("parent");
        var child = await CreateStackAsync("child");
        await Store.SaveResourceAsync(Build.Resource(parent.Id, "config") with { PhysicalId = "cfg-1" }, Ct).Within();
        var oldServer = await Store.SaveResourceAsync(Build.Resource(child.Id, "server", isCurrent: false) with { PhysicalId = "srv-1" }, Ct).Within();
        var server = await Store.SaveResourceAsync(Build.Resource(child.Id, "server") with { PhysicalId = "srv-1" }, Ct).Within();

        (await Store.FindResourceByPhysicalIdAsync("cfg-1", Ct).Within()).ShouldNotBeNull().Name.ShouldBe("config");
        var found = (await Store.FindResourceByPhysicalIdAsync("srv-1", Ct).Within()).ShouldNotBeNull();
        found.Id.ShouldBe(server);
        found.Id.ShouldNotBe(oldServer);
        (await Store.FindResourceByPhysicalIdAsync("nothing", Ct).Within()).ShouldBeNull();
    }

    [Fact]
    public async Task ReserveResourceIdsAsync_TwoStores_HandOutDisjointBlocksThatNoInsertTakes()
    {
        var stack = await CreateStackAsync("web");
        await using var other = await OpenAnotherAsync();

        var first = await Store.ReserveResourceIdsAsync(10, Ct).Within();
        var second = await other.ReserveResourceIdsAsync(10, Ct).Within();
        var inserted = await Store.SaveResourceAsync(Build.Resource(stack.Id, "plain"), Ct).Within();

        second.ShouldBeGreaterThanOrEqualTo(first + 10);
        inserted.ShouldBeGreaterThanOrEqualTo(second + 10);
    }

    [Fact]
    public async Task RecordResourceAsync_ReservedId_InsertsWithThatIdThenOverwrites()
    {
        var stack = await CreateStackAsync("web");
        var id = await Store.ReserveResourceIdsAsync(1, Ct).Within();
        var resource = Build.Resource(stack.Id, "server") with { Id = id };

        (await Store.RecordResourceAsync(resource, null, Ct).Within()).ResourceId.ShouldBe(id);
        var complete = resource with { Status = OperationStatus.Complete, PhysicalId = "i-1" };
        (await Store.RecordResourceAsync(complete, null, Ct).Within()).ResourceId.ShouldBe(id);

        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).ShouldBe([complete]);
    }

    [Fact]
    public async Task QueueResourceDeletedAsync_ReservedIdSavedAgainAfterDelete_ThrowsResourceNotFound()
    {
        var stack = await CreateStackAsync("web");
        var id = await Store.ReserveResourceIdsAsync(1, Ct).Within();
        var resource = Build.Resource(stack.Id, "server") with { Id = id };
        await Store.RecordResourceAsync(resource, null, Ct).Within();

        await Store.QueueResourceDeletedAsync(id, Build.Event(stack, "server")).Within();

        // A deleted row is never brought back by a late save of the same id.
        await Should.ThrowAsync<ResourceNotFoundException>(Store.SaveResourceAsync(resource, Ct).Within());
        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).ShouldBeEmpty();
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task QueueResourceAsync_ThenADirectWrite_IsCommittedFirstAndInOrder()
    {
        var stack = await CreateStackAsync("web");
        var ids = await Store.ReserveResourceIdsAsync(3, Ct).Within();
        var events = Enumerable.Range(0, 3).Select(i => Build.Event(stack, $"r{i}")).ToList();
        var queued = Enumerable.Range(0, 3)
            .Select(i => Store.QueueResourceAsync(Build.Resource(stack.Id, $"r{i}") with { Id = ids + i }, events[i]))
            .ToList();

        // A write made after queueing commits everything queued first, without waiting for the lazy commit.
        var other = await Store.SaveResourceAsync(Build.Resource(stack.Id, "other"), Ct).Within();

        await using var reader = await OpenAnotherAsync();
        (await reader.ListResourcesAsync(stack.Id, Ct).Within()).Select(r => r.Id).ShouldBe([ids, ids + 1, ids + 2, other]);
        var sequences = (await Task.WhenAll(queued).Within()).Select(t => t.EventSequence.ShouldNotBeNull()).ToList();
        sequences.ShouldBeInOrder();
    }

    [Fact]
    public async Task QueueResourceAsync_NothingElseWritten_IsCommittedSoonAnyway()
    {
        var stack = await CreateStackAsync("web");
        var id = await Store.ReserveResourceIdsAsync(1, Ct).Within();

        var transition = await Store.QueueResourceAsync(Build.Resource(stack.Id, "server") with { Id = id }, null).Within();

        transition.ResourceId.ShouldBe(id);
        await using var other = await OpenAnotherAsync();
        (await other.GetResourceAsync(id, Ct).Within()).ShouldNotBeNull();
    }

    [Fact]
    public async Task QueueResourceAsync_StoreDisposedBeforeTheLazyCommit_CommitsOnDispose()
    {
        var stack = await CreateStackAsync("web");
        await using var store = await OpenAnotherAsync();
        var id = await store.ReserveResourceIdsAsync(1, Ct).Within();

        var queued = store.QueueResourceAsync(Build.Resource(stack.Id, "server") with { Id = id }, null);
        await store.DisposeAsync();

        (await queued.Within()).ResourceId.ShouldBe(id);
        (await Store.GetResourceAsync(id, Ct).Within()).ShouldNotBeNull();
    }

    [Fact]
    public async Task QueueResourceAsync_SameRowTwiceInOneBatch_KeepsTheLastRowAndBothEvents()
    {
        var stack = await CreateStackAsync("web");
        var id = await Store.ReserveResourceIdsAsync(1, Ct).Within();
        var started = Build.Resource(stack.Id, "server") with { Id = id };
        var complete = started with { Status = OperationStatus.Complete, PhysicalId = "i-1" };

        var first = Store.QueueResourceAsync(started, Build.Event(stack, "server"));
        var second = Store.QueueResourceAsync(complete, Build.Event(stack, "server") with { Status = OperationStatus.Complete });
        await Task.WhenAll(first, second).Within();

        (await Store.ListResourcesAsync(stack.Id, Ct).Within()).ShouldBe([complete]);
        var events = await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within();
        events.Select(e => e.Status).ShouldBe([OperationStatus.InProgress, OperationStatus.Complete]);
        events.Select(e => e.Sequence).ShouldBe([(await first).EventSequence ?? 0, (await second).EventSequence ?? 0]);
    }

    [Fact]
    public async Task RecordResourceAsync_ManyCallersAtOnce_EachReturnsOnceItsOwnIsCommitted()
    {
        var stack = await CreateStackAsync("web");
        var ids = await Store.ReserveResourceIdsAsync(40, Ct).Within();
        await using var reader = await OpenAnotherAsync();

        // Forty deployments starting together: each waits only for its own row (written by whichever caller flushed),
        // and when its task completes, another connection already sees that row and its event.
        var recorded = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var transition = await Store.RecordResourceAsync(Build.Resource(stack.Id, $"d{i}") with { Id = ids + i }, Build.Event(stack, $"d{i}"), Ct);
            var row = await reader.GetResourceAsync(ids + i, Ct);
            return (transition, row);
        }))).Within();

        recorded.Select(r => r.transition.ResourceId).ShouldBe(Enumerable.Range(0, 40).Select(i => ids + i));
        recorded.ShouldAllBe(r => r.row != null);
        recorded.Select(r => r.transition.EventSequence).Distinct().Count().ShouldBe(40);
        (await reader.ListEventsAsync(stack.Id, 0, 100, includeNested: false, Ct).Within()).Count.ShouldBe(40);
    }

    [Fact]
    public async Task RecordResourceAsync_AfterTheStoreIsDisposed_FailsInsteadOfWaitingForever()
    {
        var stack = await CreateStackAsync("web");
        var store = await OpenAnotherAsync();
        await store.DisposeAsync();

        await Should.ThrowAsync<ObjectDisposedException>(store.RecordResourceAsync(Build.Resource(stack.Id, "late"), Build.Event(stack, "late"), Ct).Within());
        await Should.ThrowAsync<ObjectDisposedException>(store.QueueResourceAsync(Build.Resource(stack.Id, "later"), null).Within());
    }
}
