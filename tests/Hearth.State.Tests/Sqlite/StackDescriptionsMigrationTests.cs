using Hearth.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Tests.Sqlite;

/// <summary>
/// Schema step 7 keeps a definition's template description beside it. A database written before it opens with its
/// stacks' definitions whole and their descriptions unknown (null, for the engine to read from the template), until
/// the stack is written again.
/// </summary>
public sealed class StackDescriptionsMigrationTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task OpenAsync_StackWrittenBeforeStep7_DefinitionWholeDescriptionUnknownUntilWrittenAgain()
    {
        using var folder = new TempFolder();
        var web = Build.Stack("web");
        await using (var old = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), SqliteSchema.Migrations[..6], TimeSpan.FromSeconds(5), Ct).Within())
        {
            old.SchemaVersion.ShouldBe(6);
        }

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, "hearth.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await OldSchemaRows.InsertStackAsync(connection, web);
        }

        await using var store = await SqliteStateStore.OpenAsync(folder.Path, new FakeTimeProvider(), Ct).Within();

        store.SchemaVersion.ShouldBe(7);
        var migrated = web with { Current = web.Current! with { Description = null } };
        (await store.ListStacksAsync(Ct).Within()).ShouldBe([migrated]);
        var updated = migrated with { Previous = migrated.Current, Current = migrated.Current with { Description = "The web tier, again" } };
        await store.UpdateStackAsync(updated, Ct).Within();
        (await store.GetStackByNameAsync("web", Ct).Within()).ShouldBe(updated);
    }
}
