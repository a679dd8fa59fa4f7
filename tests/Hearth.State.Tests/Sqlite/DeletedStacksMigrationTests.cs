using Hearth.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Tests.Sqlite;

/// <summary>
/// Schema step 6 keeps a deleted stack's row (marked) and its events for a while. A database written before it opens
/// with its stacks live, their names still unique among live stacks, and a stack deleted afterwards keeps its events.
/// </summary>
public sealed class DeletedStacksMigrationTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task OpenAsync_StacksWrittenBeforeStep6_StayLiveAndTheirNamesFreeOnlyOnceDeleted()
    {
        using var folder = new TempFolder();
        var web = Build.Stack("web");
        await using (var old = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), SqliteSchema.Migrations[..5], TimeSpan.FromSeconds(5), Ct).Within())
        {
            old.SchemaVersion.ShouldBe(5);
        }

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, "hearth.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await OldSchemaRows.InsertStackAsync(connection, web);
        }

        await using var store = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), Ct).Within();
        await store.AppendEventAsync(Build.Event(web, "server"), Ct).Within();

        (await store.GetStackByNameAsync("web", Ct).Within())!.Id.ShouldBe(web.Id);
        await Should.ThrowAsync<StackAlreadyExistsException>(store.CreateStackAsync(Build.Stack("web"), Ct).Within());
        (await store.DeleteStackAsync(web.Id, Ct).Within()).ShouldBeTrue();
        var again = Build.Stack("web");
        await store.CreateStackAsync(again, Ct).Within();

        (await store.GetStackByNameAsync("web", Ct).Within()).ShouldBe(again);
        (await store.ListAllEventsAsync(0, 10, Ct).Within()).Single().StackId.ShouldBe(web.Id);
    }
}

/// <summary>Rows as an earlier schema held them, written with SQL (the store itself reads and writes the newest schema only).</summary>
internal static class OldSchemaRows
{
    public static async Task InsertStackAsync(SqliteConnection connection, StackRecord stack)
    {
        await using var insert = connection.CreateCommand();
        // The definition's columns are step 1's, its values in clear text as before step 4 sealed them.
        insert.CommandText = "INSERT INTO stacks (id, name, action, status, status_reason, created_at, disable_rollback, "
            + "current_template, current_environment, current_parameters) "
            + "VALUES (@id, @name, @action, @status, @reason, @created, 0, @template, @environment, @parameters)";
        insert.Parameters.AddWithValue("@id", stack.Id);
        insert.Parameters.AddWithValue("@name", stack.Name);
        insert.Parameters.AddWithValue("@action", (int)stack.Action);
        insert.Parameters.AddWithValue("@status", (int)stack.Status);
        insert.Parameters.AddWithValue("@reason", stack.StatusReason);
        insert.Parameters.AddWithValue("@created", SqliteValues.FromTime(stack.CreatedAt));
        insert.Parameters.AddWithValue("@template", (object?)stack.Current?.TemplateJson ?? DBNull.Value);
        insert.Parameters.AddWithValue("@environment", (object?)stack.Current?.EnvironmentJson ?? DBNull.Value);
        insert.Parameters.AddWithValue("@parameters", (object?)stack.Current?.ParametersJson ?? DBNull.Value);
        await insert.ExecuteNonQueryAsync();
    }
}
