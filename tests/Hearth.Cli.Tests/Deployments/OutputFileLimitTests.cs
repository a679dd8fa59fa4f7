namespace Hearth.Cli.Tests.Deployments;

/// <summary>An output file that is not a regular file fails its deployment with a reason, through <c>stack create</c>.</summary>
public sealed class OutputFileLimitTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              outputs: [{name: result}]
              config: |
                #!/bin/sh
                mkfifo "${heat_outputs_path}.result"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
        """;

    [Fact]
    public async Task Create_OutputFileIsAFifo_FailsTheDeploymentWithTheReason()
    {
        await using var stack = new DeploymentStack(Template);

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback");

        result.ExitCode.ShouldBe(1, result.ToString());
        var deployment = await stack.ResourceAsync("deployment");
        deployment.GetProperty("resource_status").GetString().ShouldBe("CREATE_FAILED");
        var reason = deployment.GetProperty("resource_status_reason").GetString() ?? "";
        reason.ShouldStartWith("Deployment to server failed: The output 'result' was not read: ");
        reason.ShouldEndWith("/outputs/CREATE.result is a FIFO, and outputs are read from regular files only");
    }
}
