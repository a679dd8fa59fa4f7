namespace Hearth.Cli.Tests.Deployments;

/// <summary>A deployment runs only for the actions it lists; a component runs the entry for the action, if any.</summary>
public sealed class ActionsGatingTests
{
    // Every run appends "NAME ACTION v=V" to runs.log.
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: v}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action v=$v" >> @DIR@/runs.log
          create_only:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE]
              input_values: {v: {get_param: v}}
          defaults:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {v: {get_param: v}}
          with_delete:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {v: {get_param: v}}
        """;

    // The component's own entries decide; the deployment's actions (DELETE listed here) do not.
    private const string ComponentTemplate = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          component:
            type: OS::Heat::SoftwareComponent
            properties:
              inputs: [{name: v}]
              configs:
                - actions: [CREATE]
                  tool: script
                  config: |
                    #!/bin/sh
                    echo "create-config $deploy_action v=$v" >> @DIR@/runs.log
                - actions: [UPDATE]
                  tool: script
                  config: |
                    #!/bin/sh
                    echo "update-config $deploy_action v=$v" >> @DIR@/runs.log
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: component}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {v: {get_param: v}}
        """;

    [Fact]
    public async Task Lifecycle_ActionsProperty_RunsOnlyTheListedActions()
    {
        await using var stack = new DeploymentStack(Template);

        await stack.CreateAsync();
        stack.Lines("runs.log").Order(StringComparer.Ordinal).ShouldBe(["create_only CREATE v=one", "defaults CREATE v=one", "with_delete CREATE v=one"]);

        var update = await stack.UpdateAsync("v=two");
        update.ExitCode.ShouldBe(0, update.ToString());
        stack.Lines("runs.log").Skip(3).Order(StringComparer.Ordinal).ShouldBe(["defaults UPDATE v=two", "with_delete UPDATE v=two"]);
        (await stack.ResourceAsync("create_only")).GetProperty("resource_status").GetString().ShouldBe("UPDATE_COMPLETE");

        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");
        delete.ExitCode.ShouldBe(0, delete.ToString());
        stack.Lines("runs.log").Skip(5).ShouldBe(["with_delete DELETE v=two"]);
    }

    [Fact]
    public async Task Lifecycle_SoftwareComponent_RunsTheEntryForTheActionAndNothingWithoutOne()
    {
        await using var stack = new DeploymentStack(ComponentTemplate);

        await stack.CreateAsync();
        var update = await stack.UpdateAsync("v=two");
        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        update.ExitCode.ShouldBe(0, update.ToString());
        delete.ExitCode.ShouldBe(0, delete.ToString());
        stack.Lines("runs.log").ShouldBe(["create-config CREATE v=one", "update-config UPDATE v=two"]);
    }
}
