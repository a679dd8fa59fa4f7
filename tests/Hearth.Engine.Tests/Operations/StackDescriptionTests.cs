namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// A stack list shows each stack's template description, as Heat's does: kept with the stored definition (so a list
/// reads no template), following it through updates and rollbacks, and read from the template for a definition stored
/// before the store kept descriptions.
/// </summary>
public sealed class StackDescriptionTests
{
    private static string Described(string description) =>
        TestTemplates.Chain.Replace("heat_template_version: 2021-04-16\n", $"heat_template_version: 2021-04-16\ndescription: {description}\n", StringComparison.Ordinal);

    [Fact]
    public async Task ListStacksAsync_CreateUpdateAndRolledBackUpdate_DescriptionOfTheCurrentTemplate()
    {
        await using var harness = await EngineHarness.CreateAsync();

        (await harness.CreateAsync("chain", Described("First."))).Succeeded.ShouldBeTrue();
        (await harness.CreateAsync("plain", TestTemplates.Chain)).Succeeded.ShouldBeTrue();
        var created = await ListAsync(harness);
        var kept = (await harness.StackAsync("chain")).Current!.Description;
        (await harness.UpdateAsync("chain", Described("Second."))).Succeeded.ShouldBeTrue();
        var updated = await ListAsync(harness);
        var failed = await harness.UpdateAsync("chain", Described("Third."), "fail=true");
        var rolledBack = await ListAsync(harness);

        created.ShouldBe([("chain", "First."), ("plain", "No description")]);
        kept.ShouldBe("First.", "kept with the definition");
        updated.ShouldBe([("chain", "Second."), ("plain", "No description")]);
        failed.RolledBack.ShouldBeTrue();
        rolledBack.ShouldBe([("chain", "Second."), ("plain", "No description")]);
    }

    [Fact]
    public async Task ListStacksAsync_DefinitionStoredWithoutDescription_ReadsItFromTheTemplate()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("chain", Described("From the template."))).Succeeded.ShouldBeTrue();
        var stack = await harness.StackAsync("chain");
        // As a database written before schema step 7 holds it.
        await harness.Store.UpdateStackAsync(stack with { Current = stack.Current! with { Description = null } }, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        (await ListAsync(harness)).ShouldBe([("chain", "From the template.")]);
        (await harness.Engine.GetTemplateSummaryAsync("chain", CancellationToken.None).WaitAsync(EngineHarness.Timeout)).Description.ShouldBe("From the template.");
        (await harness.UpdateExistingAsync("chain", "note=second")).Succeeded.ShouldBeTrue();
        (await harness.StackAsync("chain")).Current!.Description.ShouldBe("From the template.", "an operation stores it");
    }

    private static async Task<List<(string Name, string Description)>> ListAsync(EngineHarness harness) =>
        [.. (await harness.Engine.ListStacksAsync(CancellationToken.None).WaitAsync(EngineHarness.Timeout)).Select(s => (s.Stack.Name, s.Description))];
}
