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
            .Select(_ => Task.Run(() => Hearth.State.Sqlite.SqliteStateStore.OpenAsync(folder.Path, Clock, Ct)))
            .ToArray();

        var stores = await Task.WhenAll(opens).Within();
        try
        {
            stores.Select(s => s.SchemaVersion).Distinct().ShouldBe([Hearth.State.Sqlite.SqliteSchema.Migrations[^1].Version]);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
