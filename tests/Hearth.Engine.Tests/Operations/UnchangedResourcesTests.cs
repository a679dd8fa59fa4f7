using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// An update skips the resources whose inputs provably did not change (<c>UnchangedResources</c>): these tests pin
/// that it still sees every change that matters, and touches nothing else.
/// </summary>
public sealed class UnchangedResourcesTests
{
    /// <summary>a ← b read p; c ← d read q; nothing reads r.</summary>
    private const string TwoChains = """
        heat_template_version: 2021-04-16
        parameters:
          p: {type: string, default: p0}
          q: {type: string, default: q0}
        resources:
          a:
            type: OS::Heat::TestResource
            properties: {value: {get_param: p}}
          b:
            type: OS::Heat::TestResource
            properties: {value: {list_join: ['-', [{get_attr: [a, output]}, b]]}}
          c:
            type: OS::Heat::TestResource
            properties: {value: {get_param: q}}
          d:
            type: OS::Heat::Value
            properties: {value: {get_attr: [c, output]}}
        outputs:
          b_value: {value: {get_attr: [b, output]}}
          d_value: {value: {get_attr: [d, value]}}
        """;

    [Fact]
    public async Task UpdateExisting_OneParameterChanged_TouchesOnlyItsReaderAndWhatReadsIt()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("two", TwoChains)).Succeeded.ShouldBeTrue();
        var untouched = (await harness.ResourcesAsync("two")).Where(r => r.Name is "c" or "d").ToList();
        var after = await harness.LastSequenceAsync("two");

        var outcome = await harness.UpdateExistingAsync("two", "p=p1");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ResourceEventsAsync("two", after)).ShouldBe(
            ["a UPDATE_IN_PROGRESS", "a UPDATE_COMPLETE", "b UPDATE_IN_PROGRESS", "b UPDATE_COMPLETE"]);
        (await harness.ResourcesAsync("two")).Where(r => r.Name is "c" or "d").ShouldBe(untouched);
        var outputs = await harness.OutputsAsync("two");
        outputs["b_value"].ShouldBe("p1-b");
        outputs["d_value"].ShouldBe("q0");
        outcome.Outputs.ShouldNotBeNull().ToDictionary(o => o.Key, o => o.Value).ShouldBe(outputs);
    }

    [Fact]
    public async Task UpdateExisting_NothingChanged_TouchesNothing()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("same", TwoChains, "p=p1")).Succeeded.ShouldBeTrue();
        var rows = await harness.AllRowsAsync("same");
        var after = await harness.LastSequenceAsync("same");

        var outcome = await harness.UpdateExistingAsync("same");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ResourceEventsAsync("same", after)).ShouldBeEmpty();
        (await harness.AllRowsAsync("same")).ShouldBe(rows);
        (await harness.OutputsAsync("same"))["b_value"].ShouldBe("p1-b");
    }

    [Fact]
    public async Task UpdateExisting_SourceOfGetAttrReplaced_UpdatesTheReaderToTheNewInstance()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("blue", TestTemplates.Chain, "v=blue")).Succeeded.ShouldBeTrue();
        var oldBase = await harness.ResourceAsync("blue", "base");
        var after = await harness.LastSequenceAsync("blue");

        var outcome = await harness.UpdateExistingAsync("blue", "v=green");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ResourceEventsAsync("blue", after)).ShouldBe(
        [
            "base CREATE_IN_PROGRESS", "base CREATE_COMPLETE",
            "dependent UPDATE_IN_PROGRESS", "dependent UPDATE_COMPLETE",
            "base DELETE_IN_PROGRESS", "base DELETE_COMPLETE",
        ]);
        var newBase = await harness.ResourceAsync("blue", "base");
        newBase.PhysicalId.ShouldNotBe(oldBase.PhysicalId);
        var outputs = await harness.OutputsAsync("blue");
        outputs["base_id"].ShouldBe(newBase.PhysicalId);
        outputs["dependent_value"].ShouldBe("green");
    }

    [Fact]
    public async Task UpdateExisting_ReplaceOnChangeOfAParameterItDoesNotRead_StillReplaces()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              release: {type: string, default: r1}
            resources:
              watched:
                type: OS::Heat::TestResource
                update_policy: {replace_on_change_of: [release]}
                properties: {value: constant}
              unwatched:
                type: OS::Heat::TestResource
                properties: {value: constant}
            outputs:
              id: {value: {get_resource: watched}}
            """;
        (await harness.CreateAsync("roc", template)).Succeeded.ShouldBeTrue();
        var old = await harness.ResourceAsync("roc", "watched");
        var after = await harness.LastSequenceAsync("roc");

        (await harness.UpdateExistingAsync("roc", "release=r2")).Succeeded.ShouldBeTrue();

        (await harness.ResourceEventsAsync("roc", after)).ShouldBe(
            ["watched CREATE_IN_PROGRESS", "watched CREATE_COMPLETE", "watched DELETE_IN_PROGRESS", "watched DELETE_COMPLETE"]);
        var replacement = await harness.ResourceAsync("roc", "watched");
        replacement.PhysicalId.ShouldNotBe(old.PhysicalId);
        (await harness.OutputsAsync("roc"))["id"].ShouldBe(replacement.PhysicalId);
    }

    [Fact]
    public async Task Update_EnvironmentFileChanged_SeesItsParametersAndRegistry()
    {
        await using var harness = await EngineHarness.CreateAsync();
        harness.WriteFile("t.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              p: {type: string}
            resources:
              reads:
                type: OS::Heat::TestResource
                properties: {value: {get_param: p}}
              mapped:
                type: Custom::Thing
                properties: {value: fixed}
              other:
                type: OS::Heat::TestResource
                properties: {value: fixed}
            outputs:
              reads: {value: {get_attr: [reads, output]}}
            """);
        harness.WriteFile("env.yaml", "parameters: {p: first}\nresource_registry: {'Custom::Thing': OS::Heat::TestResource}\n");
        (await harness.CreateAsync("env", harness.SourceOf("t.yaml", ["env.yaml"]))).Succeeded.ShouldBeTrue();
        var after = await harness.LastSequenceAsync("env");

        harness.WriteFile("env.yaml", "parameters: {p: second}\nresource_registry: {'Custom::Thing': OS::Heat::Value}\n");
        var outcome = await harness.UpdateAsync("env", harness.SourceOf("t.yaml", ["env.yaml"]));

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var events = await harness.ResourceEventsAsync("env", after);
        events.ShouldContain("reads UPDATE_COMPLETE");
        events.ShouldContain("mapped CREATE_COMPLETE");
        events.ShouldNotContain(e => e.StartsWith("other ", StringComparison.Ordinal));
        (await harness.ResourceAsync("env", "mapped")).Type.ShouldBe("OS::Heat::Value");
        (await harness.OutputsAsync("env"))["reads"].ShouldBe("second");
    }

    [Fact]
    public async Task Update_GetFileContentChanged_UpdatesTheResourceThatReadsIt()
    {
        await using var harness = await EngineHarness.CreateAsync();
        harness.WriteFile("t.yaml", """
            heat_template_version: 2021-04-16
            resources:
              script:
                type: OS::Heat::TestResource
                properties: {value: {get_file: data.txt}}
              other:
                type: OS::Heat::TestResource
                properties: {value: fixed}
            outputs:
              script: {value: {get_attr: [script, output]}}
            """);
        harness.WriteFile("data.txt", "version 1");
        (await harness.CreateAsync("file", harness.SourceOf("t.yaml", []))).Succeeded.ShouldBeTrue();
        var after = await harness.LastSequenceAsync("file");

        harness.WriteFile("data.txt", "version 2");
        var outcome = await harness.UpdateAsync("file", harness.SourceOf("t.yaml", []));

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ResourceEventsAsync("file", after)).ShouldBe(["script UPDATE_IN_PROGRESS", "script UPDATE_COMPLETE"]);
        (await harness.OutputsAsync("file"))["script"].ShouldBe("version 2");
    }

    [Fact]
    public async Task UpdateExisting_AfterAFailedUpdateLeftAResourceBehind_ConvergesIt()
    {
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              p: {type: string, default: one}
              f: {type: boolean, default: false}
            resources:
              first:
                type: OS::Heat::TestResource
                properties: {value: fixed, fail: {get_param: f}}
              later:
                type: OS::Heat::TestResource
                depends_on: [first]
                properties: {value: {get_param: p}}
            outputs:
              later: {value: {get_attr: [later, output]}}
            """;
        (await harness.CreateAsync("failed", template)).Succeeded.ShouldBeTrue();
        // 'first' fails, so 'later' is never reached: its row still holds p=one while the stack's definition says two.
        (await harness.UpdateExistingAsync("failed", disableRollback: true, "p=two", "f=true")).Succeeded.ShouldBeFalse();
        HeatStatus.Format((await harness.ResourceAsync("failed", "later")).Action, (await harness.ResourceAsync("failed", "later")).Status)
            .ShouldBe("CREATE_COMPLETE");
        var after = await harness.LastSequenceAsync("failed");

        var outcome = await harness.UpdateExistingAsync("failed", "f=false");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ResourceEventsAsync("failed", after)).ShouldBe(
            ["first UPDATE_IN_PROGRESS", "first UPDATE_COMPLETE", "later UPDATE_IN_PROGRESS", "later UPDATE_COMPLETE"]);
        (await harness.OutputsAsync("failed"))["later"].ShouldBe("two");
    }
}
