namespace Hearth.Cli.Tests.Deployments;

/// <summary>A deployment in a nested stack whose config and server belong to the parent stack.</summary>
public sealed class NestedDeploymentTests
{
    private const string Parent = """
        heat_template_version: 2021-04-16
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: greeting}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action $greeting" >> @DIR@/runs.log
          child:
            type: child.yaml
            properties:
              server: {get_resource: server}
              config: {get_resource: config}
        """;

    private const string Child = """
        heat_template_version: 2021-04-16
        parameters:
          server: {type: string}
          config: {type: string}
        resources:
          deploy:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_param: config}
              server: {get_param: server}
              input_values: {greeting: hello}
        """;

    [Fact]
    public async Task Create_ConfigAndServerInTheParentStack_RunsTheNestedDeploymentWithThem()
    {
        // The nested stack's operation does not hold the parent's resources: the deployment finds them in the store.
        await using var stack = new DeploymentStack(Parent);
        stack.File("child.yaml", Child);

        await stack.CreateAsync();

        stack.Lines("runs.log").ShouldBe(["deploy CREATE hello"]);
        (await stack.StatusAsync()).ShouldBe("CREATE_COMPLETE");
    }
}
