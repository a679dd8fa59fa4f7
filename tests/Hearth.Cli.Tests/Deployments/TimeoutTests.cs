namespace Hearth.Cli.Tests.Deployments;

/// <summary>A config's timeout ends its run, and everything the script started goes with it.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task Update_ConfigTimeoutPasses_FailsRollsBackAndKillsTheProcessTree()
    {
        // A unique fraction in the sleeps' arguments marks the script's processes in /proc.
        var marker = "." + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var stack = new DeploymentStack("""
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
                  options: {timeout: 2}
                  config: |
                    #!/bin/sh
                    [ "$v" = one ] && exit 0
                    sleep 300@MARKER@ &
                    sleep 299@MARKER@
              deployment:
                type: OS::Heat::SoftwareDeployment
                properties:
                  config: {get_resource: config}
                  server: {get_resource: server}
                  input_values: {v: {get_param: v}}
            """.Replace("@MARKER@", marker, StringComparison.Ordinal));
        await stack.CreateAsync();

        var result = await stack.UpdateAsync("v=two");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("deployment: Deployment to server failed: Deployment timed out after 2s");
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        (await DeploymentStack.EventuallyAsync(() => DeploymentStack.ProcessesWith(marker).Count == 0))
            .ShouldBeTrue($"processes with {marker} remain: {string.Join(", ", DeploymentStack.ProcessesWith(marker))}");
    }
}
