using Hearth.Engine.ResourceTypes;
using Hearth.Engine.Tests.Operations;
using Hearth.State;
using Hearth.Templates.Files;
using Hearth.Templates.Stacks;
using Hearth.Templates.Validation;

namespace Hearth.Engine.Tests.Groups;

/// <summary>OS::Heat::ResourceChain through the real engine and store, and through template validation.</summary>
public sealed class ResourceChainTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          types: {type: comma_delimited_list, default: "OS::Heat::Value,OS::Heat::None,OS::Heat::Value"}
          concurrent: {type: boolean, default: false}
        resources:
          chain:
            type: OS::Heat::ResourceChain
            properties:
              resources: {get_param: types}
              concurrent: {get_param: concurrent}
              resource_properties: {value: shared}
        outputs:
          refs: {value: {get_attr: [chain, refs]}}
          by_member: {value: {get_attr: [chain, attributes, value]}}
          values: {value: {get_attr: [chain, value]}}
          first: {value: {get_attr: [chain, resource.0.value]}}
          first_ref: {value: {get_attr: [chain, resource.1]}}
        """;

    [Fact]
    public async Task Create_NotConcurrent_EachMemberWaitsForThePreviousOne()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("c", Template);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var events = await MemberEventsAsync(harness);
        events.IndexOf("1 CREATE_IN_PROGRESS").ShouldBeGreaterThan(events.IndexOf("0 CREATE_COMPLETE"));
        events.IndexOf("2 CREATE_IN_PROGRESS").ShouldBeGreaterThan(events.IndexOf("1 CREATE_COMPLETE"));
        var members = await MembersAsync(harness);
        members.Select(m => (m.Name, m.Type, m.RequiresJson)).ShouldBe([
            ("0", ResourceTypeNames.Value, "[]"),
            ("1", ResourceTypeNames.None, """["0"]"""),
            ("2", ResourceTypeNames.Value, """["1"]"""),
        ]);
    }

    [Fact]
    public async Task Create_Concurrent_MembersDependOnNothing()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("c", Template, "concurrent=true");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await MembersAsync(harness)).Select(m => (m.Name, m.RequiresJson)).ShouldBe([("0", "[]"), ("1", "[]"), ("2", "[]")]);
    }

    [Fact]
    public async Task Create_ResourceProperties_ReachEveryMemberAndAttributesTakeHeatsShapes()
    {
        await using var harness = await EngineHarness.CreateAsync();

        await harness.CreateAsync("c", Template);

        var members = await MembersAsync(harness);
        members.ShouldAllBe(m => m.PropertiesJson.Contains("\"value\":\"shared\""));
        var outputs = await harness.OutputsAsync("c");
        outputs["refs"].ShouldBe(members.Select(m => (object?)m.PhysicalId).ToList());
        outputs["first_ref"].ShouldBe(members[1].PhysicalId);
        outputs["first"].ShouldBe("shared");
        // A None member has no attribute "value": its entry is null, as in Heat.
        outputs["values"].ShouldBe(new List<object?> { "shared", null, "shared" });
        var byMember = outputs["by_member"].ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>().ShouldNotBeNull();
        byMember.ToList().ShouldBe([new("0", "shared"), new("1", null), new("2", "shared")]);
    }

    [Fact]
    public async Task Update_AddedMemberType_CreatesOnlyTheNewMember()
    {
        await using var harness = await EngineHarness.CreateAsync();
        await harness.CreateAsync("c", Template);
        var before = await MembersAsync(harness);
        var after = await harness.LastSequenceAsync("c");

        var outcome = await harness.UpdateAsync("c", Template, "types=OS::Heat::Value,OS::Heat::None,OS::Heat::Value,OS::Heat::None");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var members = await MembersAsync(harness);
        members.Select(m => (m.Name, m.Type, m.RequiresJson)).Last().ShouldBe(("3", ResourceTypeNames.None, """["2"]"""));
        members.Take(3).Select(m => m.PhysicalId).ShouldBe(before.Select(m => m.PhysicalId));
        (await MemberEventsAsync(harness, after)).Where(e => e.EndsWith("CREATE_COMPLETE", StringComparison.Ordinal)).ShouldBe(["3 CREATE_COMPLETE"]);
        (await harness.OutputsAsync("c"))["values"].ShouldBe(new List<object?> { "shared", null, "shared", null });
    }

    [Fact]
    public async Task Create_TemplateFileMember_IsANestedStackGivenTheResourceProperties()
    {
        await using var harness = await EngineHarness.CreateAsync();
        harness.WriteFile("member.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              value: {type: string}
            resources:
              v: {type: OS::Heat::Value, properties: {value: {list_join: ["-", [{get_param: value}, nested]]}}}
            outputs:
              value: {value: {get_attr: [v, value]}}
            """);

        var outcome = await harness.CreateAsync("c", Template, "types=OS::Heat::Value,member.yaml");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.OutputsAsync("c"))["values"].ShouldBe(new List<object?> { "shared", "shared-nested" });
    }

    [Fact]
    public async Task Delete_Chain_DeletesItsChildStack()
    {
        await using var harness = await EngineHarness.CreateAsync();
        var created = await harness.CreateAsync("c", Template);
        (await harness.ChildStacksAsync(created.Stack.Id)).ShouldHaveSingleItem();

        var outcome = await harness.DeleteAsync("c");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await harness.ChildStacksAsync(created.Stack.Id)).ShouldBeEmpty();
        (await harness.Engine.ListStacksAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_UnknownMemberType_IsAnErrorAtItsItem()
    {
        const string template = """
            heat_template_version: 2021-04-16
            resources:
              chain:
                type: OS::Heat::ResourceChain
                properties:
                  resources:
                    - OS::Heat::Value
                    - OS::Heat::Nonee
            """;
        var files = new Dictionary<string, string> { ["/t/chain.yaml"] = template };

        var report = TemplateValidator.Validate(new StackSources("/t/chain.yaml", [], [], []), new InMemoryFileReader(files), BuiltinResourceTypes.Instance);

        var error = report.Diagnostics.ShouldHaveSingleItem();
        error.Code.ShouldBe("HT500");
        (error.Span.Line, error.Span.Column).ShouldBe((8, 11));
        error.Message.ShouldStartWith("unknown resource type 'OS::Heat::Nonee' (resource 'chain')");
    }

    /// <summary>The chain's member events (its child stack's), as "name ACTION_STATUS", oldest first.</summary>
    private static async Task<List<string>> MemberEventsAsync(EngineHarness harness, long after = 0) =>
        (await harness.EventsAsync("c", after))
            .Where(e => e.StackName != "c" && e.ResourceName is "0" or "1" or "2" or "3")
            .Select(e => $"{e.ResourceName} {HeatStatus.Format(e.Action, e.Status)}")
            .ToList();

    /// <summary>The rows of the chain's child stack, by name.</summary>
    private static async Task<List<ResourceRecord>> MembersAsync(EngineHarness harness)
    {
        var chain = await harness.ResourceAsync("c", "chain");
        var all = await harness.Engine.ListResourcesAsync("c", nestedDepth: 1, CancellationToken.None);
        return [.. all.Select(r => r.Resource).Where(r => r.StackId == chain.PhysicalId).OrderBy(r => r.Name, StringComparer.Ordinal)];
    }
}
