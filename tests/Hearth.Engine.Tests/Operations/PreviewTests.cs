using Hearth.Engine.Operations;

namespace Hearth.Engine.Tests.Operations;

public sealed class PreviewTests
{
    private const string Before = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
        resources:
          base:
            type: OS::Heat::TestResource
            properties: {value: {get_param: v}, update_replace: true}
          dependent:
            type: OS::Heat::TestResource
            properties: {value: {get_attr: [base, output]}}
          tuned:
            type: OS::Heat::TestResource
            properties: {value: low}
          steady:
            type: OS::Heat::TestResource
            properties: {value: same}
          retired:
            type: OS::Heat::None
        """;

    private const string After = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
        resources:
          base:
            type: OS::Heat::TestResource
            properties: {value: {get_param: v}, update_replace: true}
          dependent:
            type: OS::Heat::TestResource
            properties: {value: {get_attr: [base, output]}}
          tuned:
            type: OS::Heat::TestResource
            properties: {value: high}
          steady:
            type: OS::Heat::TestResource
            properties: {value: same}
          fresh:
            type: OS::Heat::None
        """;

    [Fact]
    public async Task PreviewAsync_MixedChanges_ListsEveryResourceWithItsReason()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("plan", Before)).Succeeded.ShouldBeTrue();
        var before = await harness.SnapshotAsync("plan");
        var after = await harness.LastSequenceAsync("plan");

        var preview = await harness.Engine.PreviewAsync("plan", harness.Source(After, "v=two"), [], CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        var changes = preview.Changes.ToDictionary(c => c.ResourceName);
        changes.Keys.Order(StringComparer.Ordinal).ShouldBe(["base", "dependent", "fresh", "retired", "steady", "tuned"]);
        changes["base"].Kind.ShouldBe(ChangeKind.Replace);
        changes["base"].Reason.ShouldBe("property value changed");
        changes["base"].ChangedProperties.ShouldBe(["value"]);
        changes["dependent"].Kind.ShouldBe(ChangeKind.Update);
        changes["dependent"].KnownAfterApply.ShouldBeTrue();
        changes["dependent"].Reason.ShouldBe("property value may change (known after apply)");
        changes["tuned"].Kind.ShouldBe(ChangeKind.Update);
        changes["tuned"].Reason.ShouldBe("property value changed");
        changes["tuned"].KnownAfterApply.ShouldBeFalse();
        changes["steady"].Kind.ShouldBe(ChangeKind.Unchanged);
        changes["fresh"].Kind.ShouldBe(ChangeKind.Create);
        changes["fresh"].Reason.ShouldBe("new resource");
        changes["retired"].Kind.ShouldBe(ChangeKind.Delete);
        changes["retired"].Reason.ShouldContain("not in the new template");
        // A preview changes nothing.
        (await harness.EventsAsync("plan", after)).ShouldBeEmpty();
        (await harness.SnapshotAsync("plan")).ToString().ShouldBe(before.ToString());
    }

    /// <summary>
    /// A resource updated in place keeps its physical id, so what uses only its <c>get_resource</c> is unchanged; one
    /// replaced gets a new id, so what uses it may change.
    /// </summary>
    [Fact]
    public async Task PreviewAsync_ReferenceOfAResourceUpdatedInPlaceOrReplaced_KnownOrKnownAfterApply()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              tuned: {type: string, default: low}
              replaced: {type: string, default: one}
            resources:
              kept:
                type: OS::Heat::TestResource
                properties: {value: {get_param: tuned}}
              renewed:
                type: OS::Heat::TestResource
                properties: {value: {get_param: replaced}, update_replace: true}
              user_of_kept:
                type: OS::Heat::TestResource
                properties: {value: {get_resource: kept}}
              user_of_renewed:
                type: OS::Heat::TestResource
                properties: {value: {get_resource: renewed}}
            """;
        (await harness.CreateAsync("plan", template)).Succeeded.ShouldBeTrue();

        var preview = await harness.Engine.PreviewAsync("plan", harness.Source(template, "tuned=high", "replaced=two"), [], CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        var changes = preview.Changes.ToDictionary(c => c.ResourceName);
        changes["kept"].Kind.ShouldBe(ChangeKind.Update);
        changes["user_of_kept"].Kind.ShouldBe(ChangeKind.Unchanged);
        changes["renewed"].Kind.ShouldBe(ChangeKind.Replace);
        changes["user_of_renewed"].Kind.ShouldBe(ChangeKind.Update);
        changes["user_of_renewed"].KnownAfterApply.ShouldBeTrue();
    }

    [Fact]
    public async Task PreviewAsync_NoStackYet_ListsCreates()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var preview = await harness.Engine.PreviewAsync("new", harness.Source(Before), [], CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        preview.Changes.Select(c => c.ResourceName).Order(StringComparer.Ordinal).ShouldBe(["base", "dependent", "retired", "steady", "tuned"]);
        preview.Changes.ShouldAllBe(c => c.Kind == ChangeKind.Create && c.Reason == "new resource");
        (await harness.Engine.ListStacksAsync(CancellationToken.None).WaitAsync(EngineHarness.Timeout)).ShouldBeEmpty();
    }

    [Fact]
    public async Task PreviewAsync_ExistingWithChangedReplaceTrigger_ShowsReplacementAndReason()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              release: {type: string}
            resources:
              watched:
                type: OS::Heat::None
                update_policy: {replace_on_change_of: [release]}
            """;
        (await harness.CreateAsync("trigger", template, "release=1")).Succeeded.ShouldBeTrue();

        var preview = await harness.Engine.PreviewAsync("trigger", null, ["release=2"], CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        var change = preview.Changes.ShouldHaveSingleItem();
        change.Kind.ShouldBe(ChangeKind.Replace);
        change.Reason.ShouldBe("replace_on_change_of: release changed");
    }
}
