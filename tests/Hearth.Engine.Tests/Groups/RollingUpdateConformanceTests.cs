using System.Text.Json.Nodes;
using Hearth.Engine.Resources.Groups;

namespace Hearth.Engine.Tests.Groups;

/// <summary>Heat's own table of rolling-update batches (tests/data/conformance/resourcegroup-rolling-update-batches.json).</summary>
public sealed class RollingUpdateConformanceTests
{
    private static JsonObject Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "data", "conformance", "resourcegroup-rolling-update-batches.json");
            if (File.Exists(path))
            {
                return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            }
        }

        throw new FileNotFoundException("resourcegroup-rolling-update-batches.json not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var scenario in Corpus()["scenarios"]!.AsArray())
        {
            data.Add((string)scenario!["id"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Batches_HeatScenario_SameBatchesAndMembers(string id)
    {
        var scenario = Corpus()["scenarios"]!.AsArray().Single(s => (string)s!["id"]! == id)!;
        var target = (int)scenario["target_capacity"]!;
        var initial = (int)scenario["initial_capacity"]!;
        var expected = scenario["batches"]!.AsArray();

        var batches = RollingUpdate.Batches(target, initial, (int)scenario["max_batch_size"]!, (int)scenario["min_in_service"]!);

        batches.Select(b => (b.NewCapacity, b.NumUpdated))
            .ShouldBe(expected.Select(b => ((int)b!["new_capacity"]!, (int)b["num_updated"]!)));

        // Members '1'..initial exist ('0' is on the removal skiplist); each batch gives the new definition to exactly Heat's names.
        static IReadOnlyList<string> Names(int count) => [.. Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        IReadOnlyList<(string Name, bool New)> members = [.. Names(initial).Select(n => (n, false))];
        for (var i = 0; i < batches.Count; i++)
        {
            var plan = RollingUpdate.PlanBatch(members, batches[i], target, Names);
            var expectedNames = expected[i]!["updated_names"]!.AsArray().Select(n => (string)n!).ToList();
            plan.Created.Concat(plan.Updated).ShouldBe(expectedNames, ignoreOrder: true, $"batch {i}");
            plan.Members.Count.ShouldBe(batches[i].NewCapacity);
            members = plan.Members;
        }

        members.ShouldAllBe(m => m.New);
        members.Count.ShouldBe(target);
    }
}
