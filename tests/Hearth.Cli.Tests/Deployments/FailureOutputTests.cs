namespace Hearth.Cli.Tests.Deployments;

/// <summary>
/// A failed script's own words reach the user: under the failure's reason (a clean sentence) the tail of its stderr and
/// of its stdout (where scripts say how far they got), secrets masked in both.
/// </summary>
public sealed class FailureOutputTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          secret: {type: string, hidden: true, default: s3cr3t-value}
          lines: {type: number, default: 2}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: password}, {name: lines}]
              config: |
                #!/bin/sh
                i=1
                while [ "$i" -le "$lines" ]; do echo "step $i"; i=$((i + 1)); done
                echo "logging in as $password"
                echo "cannot log in as $password" >&2
                exit 3
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {password: {get_param: secret}, lines: {get_param: lines}}
        """;

    [Fact]
    public async Task Create_ScriptFails_PrintsTheTailsOfItsStderrAndStdoutMaskedUnderTheFailure()
    {
        await using var stack = new DeploymentStack(Template);

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldEndWith("""
              failed: deployment: Deployment to server failed: Deployment exited with non-zero status code: 3
                deployment stderr:
                  cannot log in as ******
                deployment stdout:
                  step 1
                  step 2
                  logging in as ******

            """.ReplaceLineEndings("\n"));
        result.Error.ShouldNotContain("s3cr3t-value");
    }

    [Fact]
    public async Task Create_ScriptWritesManyLines_ShowsOnlyTheLastTen()
    {
        await using var stack = new DeploymentStack(Template);

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--parameter", "lines=30");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldEndWith("""
                deployment stdout, last 10 lines:
                  step 22
                  step 23
                  step 24
                  step 25
                  step 26
                  step 27
                  step 28
                  step 29
                  step 30
                  logging in as ******

            """.ReplaceLineEndings("\n"));
    }
}
