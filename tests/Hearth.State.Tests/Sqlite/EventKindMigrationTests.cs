using Hearth.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Tests.Sqlite;

/// <summary>
/// Schema step 3 gives events a kind and a payload. A database written before it (hooks and signals only in status
/// reasons) opens with each old event's kind and payload recovered from its reason, and its reason kept.
/// </summary>
public sealed class EventKindMigrationTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task OpenAsync_EventsWrittenBeforeKinds_GetTheKindAndPayloadTheirReasonsStoodFor()
    {
        using var folder = new TempFolder();
        var stack = Build.Stack("web");
        await (await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), SqliteSchema.Migrations[..2], TimeSpan.FromSeconds(5), Ct).Within()).DisposeAsync();

        // The rows exactly as the version-2 engine wrote them.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, "hearth.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await OldSchemaRows.InsertStackAsync(connection, stack);
            foreach (var (resource, status, reason) in new[]
            {
                ("db", OperationStatus.InProgress, "CREATE paused until Hook pre-create is cleared"),
                ("db", OperationStatus.InProgress, "Hook pre-create is cleared"),
                ("handle", OperationStatus.Complete, "Signal received: {\"status\": \"SUCCESS\", \"reason\": \"ok\", \"data\": \"x\", \"id\": \"1\"}"),
                ("db", OperationStatus.Complete, "state changed"),
                ("app", OperationStatus.InProgress, "UPDATE paused until Hook pre-update is cleared"),
            })
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO events (id, stack_id, stack_name, resource_name, physical_resource_id, resource_type, action, status, status_reason, time) "
                    + "VALUES (@id, @stack, 'web', @resource, NULL, 'OS::Heat::TestResource', 1, @status, @reason, @time)";
                insert.Parameters.AddWithValue("@id", Guid.NewGuid().ToString());
                insert.Parameters.AddWithValue("@stack", stack.Id);
                insert.Parameters.AddWithValue("@resource", resource);
                insert.Parameters.AddWithValue("@status", (int)status);
                insert.Parameters.AddWithValue("@reason", reason);
                insert.Parameters.AddWithValue("@time", SqliteValues.FromTime(Build.Time));
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var store = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), Ct).Within();
        var events = await store.ListEventsAsync(stack.Id, 0, 100, includeNested: false, Ct).Within();

        events.Select(e => (e.ResourceName, e.Kind, e.Payload)).ShouldBe(
        [
            ("db", EventKind.HookPaused, "pre-create"),
            ("db", EventKind.HookCleared, "pre-create"),
            ("handle", EventKind.Signal, "{\"status\": \"SUCCESS\", \"reason\": \"ok\", \"data\": \"x\", \"id\": \"1\"}"),
            ("db", EventKind.Status, null),
            ("app", EventKind.HookPaused, "pre-update"),
        ]);
        events[0].StatusReason.ShouldBe("CREATE paused until Hook pre-create is cleared");
    }

    [Fact]
    public async Task AppendEventAsync_KindAndPayload_AreReadBack()
    {
        using var folder = new TempFolder();
        var stack = Build.Stack("web");
        await using var store = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), Ct).Within();
        await store.CreateStackAsync(stack, Ct).Within();
        var paused = Build.Event(stack, "db") with { Kind = EventKind.HookPaused, Payload = "pre-delete" };

        var sequence = await store.AppendEventAsync(paused, Ct).Within();

        (await store.ListEventsAsync(stack.Id, 0, 10, includeNested: false, Ct).Within()).ShouldBe([paused with { Sequence = sequence }]);
    }
}
