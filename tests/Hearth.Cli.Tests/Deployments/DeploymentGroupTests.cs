using System.Text.Json.Nodes;

namespace Hearth.Cli.Tests.Deployments;

/// <summary>SoftwareDeploymentGroup: one deployment per server, attributes by member, and Heat's batching.</summary>
public sealed class DeploymentGroupTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          log: {type: string}
          version: {type: string, default: "1"}
        resources:
          s1: {type: OS::Heat::DeployedServer}
          s2: {type: OS::Heat::DeployedServer}
          s3: {type: OS::Heat::DeployedServer}
          s4: {type: OS::Heat::DeployedServer}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: log}, {name: version}]
              outputs: [{name: who}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name start" >> "$log"
                sleep 0.2
                printf '%s v%s' "$deploy_resource_name" "$version" > "${heat_outputs_path}.who"
                echo "$deploy_resource_name end" >> "$log"
          group:
            type: OS::Heat::SoftwareDeploymentGroup
            update_policy:
              batch_create: {max_batch_size: 2}
              rolling_update: {max_batch_size: 2}
            properties:
              config: {get_resource: config}
              servers: {a: {get_resource: s1}, b: {get_resource: s2}, c: {get_resource: s3}, d: {get_resource: s4}}
              input_values: {log: {get_param: log}, version: {get_param: version}}
        outputs:
          who: {value: {get_attr: [group, who]}}
          codes: {value: {get_attr: [group, deploy_status_codes]}}
        """;

    [Fact]
    public async Task CreateAndUpdate_BatchesOfTwo_RunMembersTwoAtATimeInNameOrder()
    {
        using var temp = new TempDirectory();
        var template = temp.File("group.yaml", Template);
        var log = Path.Combine(temp.Path, "runs.log");

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "g", "-t", template, "--parameter", $"log={log}", "-f", "json");

        created.ExitCode.ShouldBe(0, created.ToString());
        AssertBatches(File.ReadAllLines(log));
        var outputs = JsonNode.Parse(created.Out)!["outputs"]!.AsArray();
        var who = outputs.Single(o => (string?)o!["output_key"] == "who")!["output_value"]!.AsObject();
        who.Select(kv => (kv.Key, (string?)kv.Value)).ShouldBe([("a", "a v1"), ("b", "b v1"), ("c", "c v1"), ("d", "d v1")]);
        outputs.Single(o => (string?)o!["output_key"] == "codes")!["output_value"]!.AsObject().Select(kv => (long?)kv.Value).ShouldAllBe(c => c == 0);

        File.Delete(log);
        var updated = await CliRunner.RunAsync("--state", temp.Path, "stack", "update", "g", "--existing", "--parameter", "version=2");

        updated.ExitCode.ShouldBe(0, updated.ToString());
        AssertBatches(File.ReadAllLines(log));
        (await CliRunner.RunAsync("--state", temp.Path, "stack", "output", "show", "g", "who")).Out.ShouldContain("\"d\": \"d v2\"");
    }

    /// <summary>a and b run (in either order, possibly together), then c and d: no member of the second batch starts before the first batch ended.</summary>
    private static void AssertBatches(string[] lines)
    {
        lines.Length.ShouldBe(8, string.Join("\n", lines));
        var firstBatch = lines.Take(4).Select(l => l.Split(' ')[0]).Distinct().Order().ToList();
        firstBatch.ShouldBe(["a", "b"], string.Join("\n", lines));
        lines.Skip(4).Select(l => l.Split(' ')[0]).Distinct().Order().ShouldBe(["c", "d"]);
    }
}
