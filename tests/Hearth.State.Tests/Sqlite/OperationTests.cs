namespace Hearth.State.Tests.Sqlite;

public sealed class OperationTests : StoreTestBase
{
    [Fact]
    public async Task StartOperationAsync_NewOperation_GetReturnsIt()
    {
        var stack = await CreateStackAsync("web");
        var operation = Build.Operation(stack.Id, ResourceAction.Update);

        await Store.StartOperationAsync(operation, Ct).Within();

        (await Store.GetOperationAsync(operation.Id, Ct).Within()).ShouldBe(operation);
        (await Store.GetCurrentOperationAsync(stack.Id, Ct).Within()).ShouldBe(operation);
        (await Store.GetOperationAsync("nope", Ct).Within()).ShouldBeNull();
    }

    [Fact]
    public async Task GetCurrentOperationAsync_SeveralWithSameStartTime_ReturnsLastStarted()
    {
        var stack = await CreateStackAsync("web");
        var create = Build.Operation(stack.Id, ResourceAction.Create);
        var update = Build.Operation(stack.Id, ResourceAction.Update);
        var rollback = Build.Operation(stack.Id, ResourceAction.Rollback);

        foreach (var operation in new[] { create, update, rollback })
        {
            await Store.StartOperationAsync(operation, Ct).Within();
        }

        (await Store.GetCurrentOperationAsync(stack.Id, Ct).Within()).ShouldBe(rollback);
    }

    [Fact]
    public async Task UpdateOperationAsync_Ended_PersistsStatePlanAndEndTime()
    {
        var stack = await CreateStackAsync("web");
        var operation = Build.Operation(stack.Id);
        await Store.StartOperationAsync(operation, Ct).Within();
        var ended = operation with
        {
            State = OperationState.Failed,
            PlanJson = """{"steps":["a"]}""",
            EndedAt = Build.Time.AddMinutes(1),
        };

        await Store.UpdateOperationAsync(ended, Ct).Within();

        (await Store.GetOperationAsync(operation.Id, Ct).Within()).ShouldBe(ended);
    }

    [Fact]
    public async Task UpdateOperationAsync_UnknownId_ThrowsOperationNotFound()
    {
        var stack = await CreateStackAsync("web");

        var error = await Should.ThrowAsync<OperationNotFoundException>(
            Store.UpdateOperationAsync(Build.Operation(stack.Id), Ct).Within());

        error.OperationId.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task StartOperationAsync_DuplicateId_ThrowsStateConflict()
    {
        var stack = await CreateStackAsync("web");
        var operation = Build.Operation(stack.Id);
        await Store.StartOperationAsync(operation, Ct).Within();

        await Should.ThrowAsync<StateConflictException>(Store.StartOperationAsync(operation, Ct).Within());
    }
}
