namespace Hearth.Cli.Tests.Deployments;

/// <summary>A failed update's rollback runs the deployments back: the scripts see it.</summary>
public sealed class RollbackRerunTests
{
    // Every run appends "NAME ACTION v=V id=ID" (ID: the deployment's working folder, named by its physical id).
    private const string Resources = """
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL, max_concurrent_deployments: 4}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: v}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action v=$v id=$(basename "$PWD")" >> @DIR@/runs.log
                [ "$deploy_resource_name" != check ]
          replace_config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: v, replace_on_change: true}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action v=$v id=$(basename "$PWD")" >> @DIR@/runs.log
          updated:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {v: {get_param: v}}
          replaced:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: replace_config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {v: {get_param: v}}
        """;

    private const string Header = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
        resources:

        """;

    private const string Outputs = """
        outputs:
          updated: {value: {get_attr: [updated, deploy_stdout]}}
          replaced: {value: {get_resource: replaced}}
        """;

    // The update adds a deployment and a test that runs after everything else and fails.
    private const string Added = """
          added:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {v: {get_param: v}}
          check:
            type: OS::Heat::SoftwareDeployment
            depends_on: [updated, replaced, added]
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {v: {get_param: v}}

        """;

    [Fact]
    public async Task Update_TestDeploymentFails_RollbackRerunsUpdatesDeletesNewAndRestoresReplaced()
    {
        await using var stack = new DeploymentStack(Header + Resources + "\n" + Outputs);
        await stack.CreateAsync();
        var updatedId = Id(await stack.ResourceAsync("updated"));
        var replacedId = Id(await stack.ResourceAsync("replaced"));
        var outputsBefore = await stack.OutputsAsync();
        var v2 = stack.File("v2.yaml", Header + Resources + "\n" + Added + Outputs);

        var result = await stack.RunAsync("stack", "update", DeploymentStack.Name, "-t", v2, "--parameter", "v=two");

        result.ExitCode.ShouldBe(1, result.ToString());
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        var runs = stack.Lines("runs.log");
        string[] Runs(string name) => [.. runs.Where(line => line.StartsWith(name + " ", StringComparison.Ordinal))];

        // Updated in place: its UPDATE runs again, with the inputs it had before.
        Runs("updated").ShouldBe([$"updated CREATE v=one id={updatedId}", $"updated UPDATE v=two id={updatedId}", $"updated UPDATE v=one id={updatedId}"]);

        // Replaced: the replacement runs CREATE then DELETE; the original runs nothing and is current again.
        var replacement = Runs("replaced").Skip(1).FirstOrDefault()?.Split("id=")[1];
        replacement.ShouldNotBeNull(string.Join("\n", runs));
        replacement.ShouldNotBe(replacedId);
        Runs("replaced").ShouldBe([$"replaced CREATE v=one id={replacedId}", $"replaced CREATE v=two id={replacement}", $"replaced DELETE v=two id={replacement}"]);
        Id(await stack.ResourceAsync("replaced")).ShouldBe(replacedId);

        // New: its CREATE is undone by its DELETE. The failed test lists no DELETE, so nothing runs for it.
        var added = Runs("added");
        added.Length.ShouldBe(2, string.Join("\n", runs));
        added[0].ShouldStartWith("added CREATE v=two id=");
        added[1].ShouldBe(added[0].Replace("CREATE", "DELETE", StringComparison.Ordinal));
        Runs("check").Length.ShouldBe(1);
        Runs("check")[0].ShouldStartWith("check CREATE v=two");

        (await stack.OutputsAsync()).ShouldBe(outputsBefore);
        var resources = await stack.RunAsync("stack", "resource", "list", DeploymentStack.Name);
        resources.Out.ShouldNotContain("added");
        resources.Out.ShouldNotContain("check");
    }

    private static string? Id(System.Text.Json.JsonElement resource) => resource.GetProperty("physical_resource_id").GetString();
}
