using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Syntax;

namespace Hearth.Engine.Tests.Operations;

public sealed class UpdateTests
{
    [Fact]
    public async Task UpdateAsync_SameTemplateAndParameters_TouchesNoResource()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("same", TestTemplates.Chain)).Succeeded.ShouldBeTrue();
        var before = await harness.SnapshotAsync("same");
        var rowsBefore = await harness.AllRowsAsync("same");
        var after = await harness.LastSequenceAsync("same");

        var outcome = await harness.UpdateAsync("same", TestTemplates.Chain);

        outcome.Succeeded.ShouldBeTrue();
        (await harness.ResourceEventsAsync("same", after)).ShouldBeEmpty();
        (await harness.EventsAsync("same", after)).Select(e => HeatStatus.Format(e.Action, e.Status)).ShouldBe(["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"]);
        (await harness.SnapshotAsync("same")).ToString().ShouldBe(before.ToString());
        (await harness.AllRowsAsync("same")).ShouldBe(rowsBefore);
    }

    [Fact]
    public async Task UpdateAsync_UpdateAllowedPropertyChanged_UpdatesInPlaceKeepingThePhysicalId()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("inplace", TestTemplates.Chain, "note=first")).Succeeded.ShouldBeTrue();
        var before = await harness.ResourceAsync("inplace", "other");
        var after = await harness.LastSequenceAsync("inplace");

        var outcome = await harness.UpdateAsync("inplace", TestTemplates.Chain, "note=second");

        outcome.Succeeded.ShouldBeTrue();
        var updated = await harness.ResourceAsync("inplace", "other");
        updated.Id.ShouldBe(before.Id);
        updated.PhysicalId.ShouldBe(before.PhysicalId);
        HeatStatus.Format(updated.Action, updated.Status).ShouldBe("UPDATE_COMPLETE");
        (await harness.OutputsAsync("inplace"))["other_value"].ShouldBe("second");
        (await harness.ResourceEventsAsync("inplace", after)).ShouldBe(["other UPDATE_IN_PROGRESS", "other UPDATE_COMPLETE"]);
        (await harness.EventsAsync("inplace", after)).Single(e => e.ResourceName == "other" && e.Status == OperationStatus.InProgress)
            .StatusReason.ShouldBe("property value changed");
    }

    [Fact]
    public async Task UpdateAsync_ReplacedResource_RepointsDependentsBeforeDeletingTheOldInstance()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("blue", TestTemplates.Chain, "v=blue")).Succeeded.ShouldBeTrue();
        var oldBase = await harness.ResourceAsync("blue", "base");
        var oldDependent = await harness.ResourceAsync("blue", "dependent");
        var after = await harness.LastSequenceAsync("blue");

        var outcome = await harness.UpdateAsync("blue", TestTemplates.Chain, "v=green");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var newBase = await harness.ResourceAsync("blue", "base");
        newBase.PhysicalId.ShouldNotBe(oldBase.PhysicalId);
        newBase.PhysicalId.ShouldStartWith("blue-base-");
        var dependent = await harness.ResourceAsync("blue", "dependent");
        dependent.PhysicalId.ShouldBe(oldDependent.PhysicalId);
        dependent.PropertiesJson.ShouldContain("\"green\"");
        var outputs = await harness.OutputsAsync("blue");
        outputs["base_id"].ShouldBe(newBase.PhysicalId);
        outputs["dependent_value"].ShouldBe("green");
        (await harness.AllRowsAsync("blue")).Count(r => r.Name == "base").ShouldBe(1);

        var events = await harness.ResourceEventsAsync("blue", after);
        events.ShouldBe(
        [
            "base CREATE_IN_PROGRESS", "base CREATE_COMPLETE",
            "dependent UPDATE_IN_PROGRESS", "dependent UPDATE_COMPLETE",
            "base DELETE_IN_PROGRESS", "base DELETE_COMPLETE",
        ]);
        var raw = (await harness.EventsAsync("blue", after)).Where(e => e.ResourceName == "base").ToList();
        raw.Single(e => e.Action == ResourceAction.Create && e.Status == OperationStatus.Complete).PhysicalResourceId.ShouldBe(newBase.PhysicalId);
        raw.Single(e => e.Action == ResourceAction.Delete && e.Status == OperationStatus.Complete).PhysicalResourceId.ShouldBe(oldBase.PhysicalId);
        raw.Single(e => e.Action == ResourceAction.Create && e.Status == OperationStatus.InProgress).StatusReason
            .ShouldBe($"replacing {oldBase.PhysicalId}: property value changed");
    }

    [Fact]
    public async Task UpdateAsync_DeleteBeforeCreatePolicy_DeletesTheOldInstanceFirst()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              v: {type: string}
            resources:
              single:
                type: OS::Heat::TestResource
                update_policy: {replacement: delete_before_create}
                properties: {value: {get_param: v}, update_replace: true}
            outputs:
              id: {value: {get_resource: single}}
            """;
        (await harness.CreateAsync("dbc", template, "v=a")).Succeeded.ShouldBeTrue();
        var old = await harness.ResourceAsync("dbc", "single");
        var after = await harness.LastSequenceAsync("dbc");

        (await harness.UpdateAsync("dbc", template, "v=b")).Succeeded.ShouldBeTrue();

        (await harness.ResourceEventsAsync("dbc", after)).ShouldBe(
            ["single DELETE_IN_PROGRESS", "single DELETE_COMPLETE", "single CREATE_IN_PROGRESS", "single CREATE_COMPLETE"]);
        var replacement = await harness.ResourceAsync("dbc", "single");
        replacement.PhysicalId.ShouldNotBe(old.PhysicalId);
        (await harness.OutputsAsync("dbc"))["id"].ShouldBe(replacement.PhysicalId);
        (await harness.AllRowsAsync("dbc")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UpdateAsync_ReplaceOnChangeOfParameter_ReplacesOnlyTheResourceNamingIt()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              release: {type: string}
            resources:
              watched:
                type: OS::Heat::TestResource
                update_policy: {replace_on_change_of: [release]}
                properties: {value: fixed}
              unwatched:
                type: OS::Heat::TestResource
                properties: {value: fixed}
            """;
        (await harness.CreateAsync("roc", template, "release=1")).Succeeded.ShouldBeTrue();
        var before = (await harness.ResourcesAsync("roc")).ToDictionary(r => r.Name, r => r.PhysicalId);
        var after = await harness.LastSequenceAsync("roc");

        (await harness.UpdateAsync("roc", template, "release=2")).Succeeded.ShouldBeTrue();

        var now = (await harness.ResourcesAsync("roc")).ToDictionary(r => r.Name, r => r.PhysicalId);
        now["watched"].ShouldNotBe(before["watched"]);
        now["unwatched"].ShouldBe(before["unwatched"]);
        var events = await harness.EventsAsync("roc", after);
        events.ShouldNotContain(e => e.ResourceName == "unwatched");
        events.First(e => e.ResourceName == "watched").StatusReason.ShouldContain("replace_on_change_of: release changed");
    }

    [Fact]
    public async Task UpdateAsync_ExistingWithParameterOverride_ReusesTheStoredTemplate()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("reuse", TestTemplates.Chain, "v=one", "note=kept")).Succeeded.ShouldBeTrue();
        var before = await harness.ResourceAsync("reuse", "other");

        var outcome = await harness.Engine.UpdateAsync("reuse", source: null, ["v=two"], disableRollback: null, null, CancellationToken.None)
            .WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var outputs = await harness.OutputsAsync("reuse");
        outputs["dependent_value"].ShouldBe("two");
        outputs["other_value"].ShouldBe("kept");
        (await harness.ResourceAsync("reuse", "other")).PhysicalId.ShouldBe(before.PhysicalId);
        var parameters = (await harness.Engine.GetTemplateSummaryAsync("reuse", CancellationToken.None).WaitAsync(EngineHarness.Timeout)).Parameters;
        parameters["v"].ShouldBe("two");
        parameters["note"].ShouldBe("kept");
    }

    [Fact]
    public async Task UpdateAsync_ImmutableParameterChanged_IsRefusedAndChangesNothing()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              region: {type: string, immutable: true}
            resources:
              r:
                type: OS::Heat::TestResource
                properties: {value: {get_param: region}}
            """;
        (await harness.CreateAsync("fixed", template, "region=north")).Succeeded.ShouldBeTrue();
        var before = await harness.SnapshotAsync("fixed");
        var after = await harness.LastSequenceAsync("fixed");

        var error = await Should.ThrowAsync<EngineException>(() => harness.UpdateAsync("fixed", template, "region=south"));

        error.Kind.ShouldBe(EngineErrorKind.InvalidInput);
        error.Message.ShouldBe("The following parameters are immutable and may not be updated: region");
        (await harness.EventsAsync("fixed", after)).ShouldBeEmpty();
        (await harness.SnapshotAsync("fixed")).ToString().ShouldBe(before.ToString());
        var stack = await harness.StackAsync("fixed");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("CREATE_COMPLETE");
    }

    [Fact]
    public async Task UpdateAsync_ResourceAddedAndRemoved_CreatesTheNewAndDeletesTheOld()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string first = """
            heat_template_version: 2021-04-16
            resources:
              stays: {type: OS::Heat::None}
              leaves: {type: OS::Heat::None, depends_on: [stays]}
            """;
        const string second = """
            heat_template_version: 2021-04-16
            resources:
              stays: {type: OS::Heat::None}
              arrives: {type: OS::Heat::Value, properties: {value: {get_resource: stays}}}
            outputs:
              arrived: {value: {get_attr: [arrives, value]}}
            """;
        (await harness.CreateAsync("churn", first)).Succeeded.ShouldBeTrue();
        var stays = await harness.ResourceAsync("churn", "stays");
        var after = await harness.LastSequenceAsync("churn");

        (await harness.UpdateAsync("churn", second)).Succeeded.ShouldBeTrue();

        (await harness.ResourceEventsAsync("churn", after)).ShouldBe(
            ["arrives CREATE_IN_PROGRESS", "arrives CREATE_COMPLETE", "leaves DELETE_IN_PROGRESS", "leaves DELETE_COMPLETE"]);
        (await harness.ResourcesAsync("churn")).Select(r => r.Name).Order(StringComparer.Ordinal).ShouldBe(["arrives", "stays"]);
        (await harness.OutputsAsync("churn"))["arrived"].ShouldBe(stays.PhysicalId);
    }

    [Fact]
    public async Task UpdateExisting_WithParameters_ChecksTheStoredTemplateWithoutParsingItAgain()
    {
        await using var harness = await EngineHarness.CreateAsync();
        using var parsed = new TempDirectory("hearth-parsed-");
        var documents = new CountingDocuments(new DocumentCacheFolder(parsed.Path));
        var source = harness.Source(TestTemplates.Chain, "note=first");
        var created = await harness.EngineWith(new EngineOptions { Documents = documents })
            .CreateAsync("cached", source, disableRollback: false, observer: null, CancellationToken.None).WaitAsync(EngineHarness.Timeout);
        created.Succeeded.ShouldBeTrue();
        documents.Added.ShouldBe(1);

        // The next command: a template cache of its own, the same state folder's documents.
        var updated = await harness.EngineWith(new EngineOptions { Documents = documents })
            .UpdateAsync("cached", source: null, ["note=second"], disableRollback: null, observer: null, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        updated.Succeeded.ShouldBeTrue();
        (await harness.ResourceAsync("cached", "other")).Action.ShouldBe(ResourceAction.Update);
        documents.Found.ShouldBe(1, "the overrides are checked against the stored template's document, found in the cache");
        documents.Added.ShouldBe(1, "nothing was parsed again");
    }

    private sealed class CountingDocuments(IDocumentCache inner) : IDocumentCache
    {
        public int Found { get; private set; }

        public int Added { get; private set; }

        public SyntaxNode? Find(string file, string text)
        {
            var found = inner.Find(file, text);
            Found += found is null ? 0 : 1;
            return found;
        }

        public void Add(string text, SyntaxNode root)
        {
            Added++;
            inner.Add(text, root);
        }
    }
}
