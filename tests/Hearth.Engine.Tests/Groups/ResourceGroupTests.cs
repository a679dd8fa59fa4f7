using Hearth.Engine.Tests.Operations;
using Hearth.State;

namespace Hearth.Engine.Tests.Groups;

/// <summary>OS::Heat::ResourceGroup through the real engine and store.</summary>
public sealed class ResourceGroupTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          count: {type: number, default: 3}
          value: {type: string, default: a}
          removed: {type: comma_delimited_list, default: ""}
          batch: {type: number, default: 1}
          min: {type: number, default: 0}
          fail_member: {type: string, default: none}
        resources:
          group:
            type: OS::Heat::ResourceGroup
            update_policy:
              rolling_update: {max_batch_size: {get_param: batch}, min_in_service: {get_param: min}}
            properties:
              count: {get_param: count}
              removal_policies: [{resource_list: {get_param: removed}}]
              resource_def:
                type: member.yaml
                properties:
                  value: {list_join: ["-", [{get_param: value}, "%index%"]]}
                  index: "%index%"
                  fail_member: {get_param: fail_member}
        outputs:
          values: {value: {get_attr: [group, output]}}
          refs: {value: {get_attr: [group, refs]}}
          first: {value: {get_attr: [group, resource.0.output]}}
          by_member: {value: {get_attr: [group, attributes, output]}}
        """;

    /// <summary>A member: a TestResource that fails when its index is the one named (conditions can say that; properties cannot).</summary>
    private const string Member = """
        heat_template_version: 2021-04-16
        parameters:
          value: {type: string}
          index: {type: string}
          fail_member: {type: string}
        conditions:
          failing: {equals: [{get_param: index}, {get_param: fail_member}]}
        resources:
          t:
            type: OS::Heat::TestResource
            properties:
              value: {get_param: value}
              fail: {if: [failing, true, false]}
        outputs:
          output: {value: {get_attr: [t, output]}}
        """;

    private static async Task<EngineHarness> HarnessAsync()
    {
        var harness = await EngineHarness.CreateAsync();
        harness.WriteFile("member.yaml", Member);
        return harness;
    }

    [Fact]
    public async Task Create_ThreeMembers_AttributesInHeatsForms()
    {
        await using var harness = await HarnessAsync();
        var outcome = await harness.CreateAsync("g", Template);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var outputs = await Outputs(harness);
        outputs["values"].ShouldBe(new List<object?> { "a-0", "a-1", "a-2" });
        outputs["first"].ShouldBe("a-0");
        (outputs["by_member"] as IReadOnlyDictionary<string, object?>).ShouldNotBeNull()["2"].ShouldBe("a-2");
        (outputs["refs"] as IReadOnlyList<object?>).ShouldNotBeNull().Count.ShouldBe(3);
    }

    [Fact]
    public async Task Update_GrowShrinkAndRemove_NamesAreNeverReused()
    {
        await using var harness = await HarnessAsync();
        await harness.CreateAsync("g", Template);

        (await harness.UpdateAsync("g", Template, "count=5")).Succeeded.ShouldBeTrue();
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "a-0", "a-1", "a-2", "a-3", "a-4" });

        // Removing members 1 and 2 keeps the count: two new members take new names, 1 and 2 are never used again.
        (await harness.UpdateAsync("g", Template, "count=5", "removed=1,2")).Succeeded.ShouldBeTrue();
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "a-0", "a-3", "a-4", "a-5", "a-6" });

        (await harness.UpdateAsync("g", Template, "count=2", "removed=1,2")).Succeeded.ShouldBeTrue();
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "a-0", "a-3" });
    }

    [Fact]
    public async Task Update_RollingBatchOfOne_UpdatesMembersOneAtATimeHighestFirst()
    {
        await using var harness = await HarnessAsync();
        await harness.CreateAsync("g", Template);
        var after = (await harness.EventsAsync("g")).Max(e => e.Sequence);

        var outcome = await harness.UpdateAsync("g", Template, "value=b");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var memberUpdates = (await harness.EventsAsync("g", after))
            .Where(e => e.Action == ResourceAction.Update && e.Status == OperationStatus.Complete && e.ResourceName is "0" or "1" or "2")
            .Select(e => e.ResourceName)
            .ToList();
        memberUpdates.ShouldBe(["2", "1", "0"]);
        // Each member update is its own child-stack update (a batch).
        (await harness.EventsAsync("g", after)).Count(e => e.ResourceName == e.StackName && e.StackName.Split('-').Length == 3 && e.Status == OperationStatus.Complete)
            .ShouldBe(3);
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "b-0", "b-1", "b-2" });
    }

    [Fact]
    public async Task Update_MemberFailsInSecondBatch_RollsEverythingBack()
    {
        await using var harness = await HarnessAsync();
        await harness.CreateAsync("g", Template);
        var before = await Outputs(harness);

        var outcome = await harness.UpdateAsync("g", Template, "value=b", "fail_member=1");

        outcome.Succeeded.ShouldBeFalse();
        outcome.Stack.Action.ShouldBe(ResourceAction.Rollback);
        outcome.Stack.Status.ShouldBe(OperationStatus.Complete);
        var after = await Outputs(harness);
        after["values"].ShouldBe(before["values"]);
        after["refs"].ShouldBe(before["refs"]);
    }

    [Fact]
    public async Task Create_BatchCreateOfTwo_CreatesMembersInBatches()
    {
        await using var harness = await HarnessAsync();
        var template = Template.Replace("rolling_update: {max_batch_size: {get_param: batch}, min_in_service: {get_param: min}}", "batch_create: {max_batch_size: 2}", StringComparison.Ordinal);

        var outcome = await harness.CreateAsync("g", template, "count=5");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "a-0", "a-1", "a-2", "a-3", "a-4" });
        // One child-stack create, then two growths: three batches of at most two members.
        var childOperations = (await harness.EventsAsync("g"))
            .Where(e => e.ResourceName == e.StackName && e.StackName.Split('-').Length == 3 && e.Status == OperationStatus.Complete)
            .Select(e => e.Action)
            .ToList();
        childOperations.ShouldBe([ResourceAction.Create, ResourceAction.Update, ResourceAction.Update]);
    }

    [Fact]
    public async Task Update_MinInServiceThree_AddsATemporaryMemberAndRemovesItLast()
    {
        await using var harness = await HarnessAsync();
        await harness.CreateAsync("g", Template);
        var after = await harness.LastSequenceAsync("g");

        var outcome = await harness.UpdateAsync("g", Template, "value=b", "min=3");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        // Heat's batches for 3 members, batch 1, min_in_service 3: (4,1) (4,1) (4,1) (4,1) (3,0): member "3" is
        // created with the new definition first, so three members always serve while 2, 1 and 0 are updated one at a
        // time, and it is removed in the last batch.
        var members = (await harness.EventsAsync("g", after))
            .Where(e => e.StackName.Split('-').Length == 3 && e.ResourceName is "0" or "1" or "2" or "3" && e.Status == OperationStatus.Complete)
            .Select(e => $"{e.ResourceName} {e.Action}")
            .ToList();
        members.First().ShouldBe("3 Create");
        members.Last().ShouldBe("3 Delete");
        members.Where(m => m.EndsWith("Update", StringComparison.Ordinal)).ShouldBe(["2 Update", "1 Update", "0 Update"]);
        (await Outputs(harness))["values"].ShouldBe(new List<object?> { "b-0", "b-1", "b-2" });
    }

    [Fact]
    public async Task Update_MembersThatMustBeReplaced_GetNewReferences()
    {
        await using var harness = await HarnessAsync();
        const string replacing = """
            heat_template_version: 2021-04-16
            parameters:
              value: {type: string, default: a}
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 2
                  resource_def:
                    type: OS::Heat::TestResource
                    properties: {value: {get_param: value}, update_replace: true}
            outputs:
              refs: {value: {get_attr: [group, refs]}}
              values: {value: {get_attr: [group, output]}}
            """;
        await harness.CreateAsync("g", replacing);
        var before = (await Outputs(harness))["refs"] as IReadOnlyList<object?>;

        var outcome = await harness.UpdateAsync("g", replacing, "value=b");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var outputs = await Outputs(harness);
        outputs["values"].ShouldBe(new List<object?> { "b", "b" });
        var refs = (outputs["refs"] as IReadOnlyList<object?>).ShouldNotBeNull();
        refs.Count.ShouldBe(2);
        refs.ShouldNotContain(before.ShouldNotBeNull()[0]);
        refs.ShouldNotContain(before[1]);
    }

    private static async Task<Dictionary<string, object?>> Outputs(EngineHarness harness) =>
        (await harness.Engine.GetOutputsAsync("g", CancellationToken.None)).ToDictionary(o => o.Key, o => o.Value);
}
