using System.Text.Json.Nodes;

namespace Hearth.Cli.Tests.Groups;

/// <summary>The public Heat templates that use OS::Heat::ResourceGroup deploy through the real command line.</summary>
public sealed class RealGroupTemplateTests
{
    public static TheoryData<string> Templates() =>
    [
        "openstack__heat-templates__hot__resource_group__resource_group.yaml",
        "heat-templates__hot__resource_group/resource_group_index_lookup.yaml",
        "openstack__heat__heat_integrationtests__functional__test_resource_group.py__template.yaml",
        "openstack__heat__heat_integrationtests__functional__test_resource_group.py__rp_template.yaml",
    ];

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task StackCreate_RealGroupTemplate_CompletesAndDeletes(string template)
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "templates", template);

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "g", "-t", path, "-f", "json");

        created.ExitCode.ShouldBe(0, created.ToString());
        var stack = JsonNode.Parse(created.Out)!;
        ((string?)stack["stack_status"]).ShouldBe("CREATE_COMPLETE");
        var nested = await CliRunner.RunAsync("--state", temp.Path, "stack", "resource", "list", "g", "--nested-depth", "2", "-f", "json");
        var rows = JsonNode.Parse(nested.Out)!.AsArray();
        rows.ShouldAllBe(r => (string?)r!["resource_status"] == "CREATE_COMPLETE");
        rows.Count.ShouldBeGreaterThan(1, "the group's members are listed under it");

        var deleted = await CliRunner.RunAsync("--state", temp.Path, "stack", "delete", "g", "--yes");
        deleted.ExitCode.ShouldBe(0, deleted.ToString());
    }

    [Fact]
    public async Task StackCreate_IndexLookupTemplate_EachMemberTakesItsLength()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "templates", "heat-templates__hot__resource_group", "resource_group_index_lookup.yaml");

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "g", "-t", path, "-f", "json");

        created.ExitCode.ShouldBe(0, created.ToString());
        var values = JsonNode.Parse(created.Out)!["outputs"]!.AsArray().Single(o => (string?)o!["output_key"] == "all_values")!["output_value"]!.AsArray();
        values.Select(v => ((string)v!).Length).ShouldBe([4, 5, 6]);
    }
}
