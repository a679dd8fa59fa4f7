using Hearth.State.Sqlite;

namespace Hearth.State.Tests.Sqlite;

public sealed class StackTests : StoreTestBase
{
    [Fact]
    public async Task CreateStackAsync_NewStack_GetByIdAndByNameReturnIt()
    {
        var stack = Build.Stack("web") with
        {
            // A non-UTC offset must come back as the same instant.
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(-5)).AddTicks(9),
            // Stored before descriptions were kept (schema step 7): none, not an empty one.
            Previous = new StoredDefinition("""{"old":true}""", """{"env":1}""", "{}", Description: null),
            DisableRollback = true,
            OperationId = "op-1",
        };

        await Store.CreateStackAsync(stack, Ct).Within();

        (await Store.GetStackAsync(stack.Id, Ct).Within()).ShouldBe(stack);
        (await Store.GetStackByNameAsync("web", Ct).Within()).ShouldBe(stack);
        (await Store.GetStackAsync(Guid.NewGuid().ToString(), Ct).Within()).ShouldBeNull();
        (await Store.GetStackByNameAsync("db", Ct).Within()).ShouldBeNull();
    }

    [Fact]
    public async Task CreateStackAsync_DuplicateTopLevelName_ThrowsStackAlreadyExists()
    {
        var first = await CreateStackAsync("web");

        var error = await Should.ThrowAsync<StackAlreadyExistsException>(
            Store.CreateStackAsync(Build.Stack("web"), Ct).Within());

        error.Name.ShouldBe("web");
        (await Store.ListStacksAsync(Ct).Within()).ShouldBe([first]);
    }

    [Fact]
    public async Task CreateStackAsync_NestedStackNamedLikeTopLevel_Succeeds()
    {
        var parent = await CreateStackAsync("web");

        var child = await CreateStackAsync("web", parent.Id);
        var sibling = await CreateStackAsync("web", parent.Id);

        (await Store.GetStackByNameAsync("web", Ct).Within()).ShouldBe(parent);
        (await Store.ListChildStacksAsync(parent.Id, Ct).Within()).Select(s => s.Id).ShouldBe(
            [child.Id, sibling.Id],
            ignoreOrder: true);
    }

    [Fact]
    public async Task CreateStackAsync_MissingParent_ThrowsStateConflict()
    {
        await Should.ThrowAsync<StateConflictException>(
            Store.CreateStackAsync(Build.Stack("child", parentStackId: Guid.NewGuid().ToString()), Ct).Within());
    }

    [Fact]
    public async Task CreateStackAsync_DuplicateId_ThrowsStateConflict()
    {
        var stack = await CreateStackAsync("web");

        await Should.ThrowAsync<StateConflictException>(
            Store.CreateStackAsync(stack with { Name = "other" }, Ct).Within());
    }

    [Fact]
    public async Task ListStacksAsync_TopLevelAndNested_ListsTopLevelOrderedByName()
    {
        var web = await CreateStackAsync("web");
        var db = await CreateStackAsync("db");
        var nested = await CreateStackAsync("web-server-abc", web.Id);

        (await Store.ListStacksAsync(Ct).Within()).ShouldBe([db, web]);
        (await Store.ListChildStacksAsync(web.Id, Ct).Within()).ShouldBe([nested]);
        (await Store.ListChildStacksAsync(db.Id, Ct).Within()).ShouldBeEmpty();
    }

    [Fact]
    public async Task UpdateStackAsync_ChangedRecord_PersistsIt()
    {
        var stack = await CreateStackAsync("web");
        var updated = stack with
        {
            Action = ResourceAction.Update,
            Status = OperationStatus.Failed,
            StatusReason = "Resource UPDATE failed: boom",
            UpdatedAt = Build.Time.AddMinutes(5),
            Previous = stack.Current,
            Current = new StoredDefinition("""{"v":2}""", "{}", "{}", ""),
            OperationId = "op-2",
        };

        await Store.UpdateStackAsync(updated, Ct).Within();

        (await Store.GetStackAsync(stack.Id, Ct).Within()).ShouldBe(updated);
    }

    [Fact]
    public async Task UpdateStackAsync_UnknownId_ThrowsStackNotFound()
    {
        var stack = Build.Stack("ghost");

        var error = await Should.ThrowAsync<StackNotFoundException>(Store.UpdateStackAsync(stack, Ct).Within());

        error.StackId.ShouldBe(stack.Id);
    }

    [Fact]
    public async Task UpdateStackAsync_RenameOntoTakenName_ThrowsStackAlreadyExists()
    {
        await CreateStackAsync("web");
        var db = await CreateStackAsync("db");

        await Should.ThrowAsync<StackAlreadyExistsException>(
            Store.UpdateStackAsync(db with { Name = "web" }, Ct).Within());
        (await Store.GetStackAsync(db.Id, Ct).Within()).ShouldBe(db);
    }

    [Fact]
    public async Task RecordStackAsync_WithEvent_UpdatesStackAndAppendsEvent()
    {
        var stack = await CreateStackAsync("web");
        var complete = stack with { Status = OperationStatus.Complete, StatusReason = "Stack CREATE completed successfully" };
        var stackEvent = Build.Event(stack, "web", ResourceAction.Create, OperationStatus.Complete) with
        {
            ResourceType = "OS::Heat::Stack",
            PhysicalResourceId = stack.Id,
        };

        var sequence = await Store.RecordStackAsync(complete, stackEvent, Ct).Within();

        sequence.ShouldNotBeNull();
        (await Store.GetStackAsync(stack.Id, Ct).Within()).ShouldBe(complete);
        (await Store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within())
            .ShouldBe([stackEvent with { Sequence = sequence.Value }]);
    }

    [Fact]
    public async Task RecordStackAsync_UnknownStack_WritesNoEvent()
    {
        var ghost = Build.Stack("ghost");
        var web = await CreateStackAsync("web");

        await Should.ThrowAsync<StackNotFoundException>(
            Store.RecordStackAsync(ghost, Build.Event(web, "web"), Ct).Within());

        (await Store.ListEventsAsync(web.Id, 0, 10, includeNested: false, Ct).Within()).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeleteStackAsync_StackWithNestedStacksAndRows_DeletesEverythingBelowIt()
    {
        var parent = await CreateStackAsync("web");
        var child = await CreateStackAsync("web-child", parent.Id);
        var grandchild = await CreateStackAsync("web-grandchild", child.Id);
        var other = await CreateStackAsync("db");
        var resourceIds = new List<long>();
        foreach (var stack in new[] { parent, child, grandchild, other })
        {
            var transition = await Store.RecordResourceAsync(
                Build.Resource(stack.Id, "server"),
                Build.Event(stack, "server"),
                Ct).Within();
            resourceIds.Add(transition.ResourceId);
            await Store.StartOperationAsync(Build.Operation(stack.Id), Ct).Within();
            await Store.TryAcquireLockAsync(stack.Id, Build.Owner(), _ => true, Ct).Within();
        }

        (await Store.DeleteStackAsync(parent.Id, Ct).Within()).ShouldBeTrue();

        foreach (var gone in new[] { parent, child, grandchild })
        {
            (await Store.GetStackAsync(gone.Id, Ct).Within()).ShouldBeNull();
            (await Store.ListResourcesAsync(gone.Id, Ct).Within()).ShouldBeEmpty();
            // Its events stay, for a follower of the all-stacks stream that was away while it went.
            (await Store.ListEventsAsync(gone.Id, 0, 10, includeNested: false, Ct).Within()).Count.ShouldBe(1);
            (await Store.GetCurrentOperationAsync(gone.Id, Ct).Within()).ShouldBeNull();
            (await Store.GetLockHolderAsync(gone.Id, Ct).Within()).ShouldBeNull();
        }

        (await Store.GetResourceAsync(resourceIds[0], Ct).Within()).ShouldBeNull();
        (await Store.ListStacksAsync(Ct).Within()).ShouldBe([other]);
        (await Store.ListChildStacksAsync(parent.Id, Ct).Within()).ShouldBeEmpty();
        (await Store.GetStackByNameAsync("web", Ct).Within()).ShouldBeNull();
        (await Store.ListAllEventsAsync(0, 10, Ct).Within()).Select(e => e.StackId).ShouldBe([parent.Id, child.Id, grandchild.Id, other.Id]);
        await Should.ThrowAsync<StackNotFoundException>(Store.UpdateStackAsync(parent with { StatusReason = "back?" }, Ct).Within());
        (await Store.DeleteStackAsync(parent.Id, Ct).Within()).ShouldBeFalse();
        (await Store.GetStackAsync(other.Id, Ct).Within()).ShouldBe(other);
        (await Store.ListResourcesAsync(other.Id, Ct).Within()).Single().Id.ShouldBe(resourceIds[3]);
        (await Store.ListEventsAsync(other.Id, 0, 10, includeNested: false, Ct).Within()).Count.ShouldBe(1);
        (await Store.GetCurrentOperationAsync(other.Id, Ct).Within()).ShouldNotBeNull();
        (await Store.GetLockHolderAsync(other.Id, Ct).Within()).ShouldNotBeNull();
    }

    [Fact]
    public async Task DeleteStackAsync_UnknownStack_ReturnsFalse()
    {
        (await Store.DeleteStackAsync(Guid.NewGuid().ToString(), Ct).Within()).ShouldBeFalse();
    }

    [Fact]
    public async Task DeleteStackAsync_ThenCreateSameName_Succeeds()
    {
        var first = await CreateStackAsync("web");
        await Store.DeleteStackAsync(first.Id, Ct).Within();

        var second = await CreateStackAsync("web");

        (await Store.GetStackByNameAsync("web", Ct).Within()).ShouldBe(second);
    }

    [Fact]
    public async Task DeleteStackAsync_StacksDeletedLongerAgoThanTheRetention_GoForGoodWithTheirEvents()
    {
        var old = await CreateStackAsync("old");
        var child = await CreateStackAsync("old-child", old.Id);
        await Store.AppendEventAsync(Build.Event(old, "a"), Ct).Within();
        await Store.AppendEventAsync(Build.Event(child, "b"), Ct).Within();
        await Store.DeleteStackAsync(old.Id, Ct).Within();
        Clock.Advance(SqliteStateStore.DeletedStackRetention - TimeSpan.FromMinutes(1));
        var recent = await CreateStackAsync("recent");
        await Store.AppendEventAsync(Build.Event(recent, "c"), Ct).Within();
        await Store.DeleteStackAsync(recent.Id, Ct).Within();
        var withinRetention = await Store.ListAllEventsAsync(0, 10, Ct).Within();

        Clock.Advance(TimeSpan.FromMinutes(2));
        var next = await CreateStackAsync("next");
        await Store.DeleteStackAsync(next.Id, Ct).Within();

        withinRetention.Select(e => e.ResourceName).ShouldBe(["a", "b", "c"]);
        (await Store.ListAllEventsAsync(0, 10, Ct).Within()).Select(e => e.ResourceName).ShouldBe(["c"]);
    }
}
