namespace Hearth.Cli.Tests.Deployments;

/// <summary>What a script writes comes back as attributes and outputs; what it is given never passes through a shell.</summary>
public sealed class OutputsTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          payload: {type: string, default: plain}
          set_error: {type: string, default: ''}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: payload}, {name: set_error}]
              outputs:
                - name: lines
                - name: echo
                - name: never_written
                - name: failure
                  error_output: true
              config: |
                #!/bin/sh
                echo "to stdout"
                echo "to stderr" >&2
                printf 'first\nsecond\n' > "${heat_outputs_path}.lines"
                printf '%s' "$payload" > "${heat_outputs_path}.echo"
                if [ -n "$set_error" ]; then printf '%s' "$set_error" > "${heat_outputs_path}.failure"; fi
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values:
                payload: {get_param: payload}
                set_error: {get_param: set_error}
        outputs:
          lines: {value: {get_attr: [deployment, lines]}}
          echo: {value: {get_attr: [deployment, echo]}}
          never_written: {value: {get_attr: [deployment, never_written]}}
          status: {value: {get_attr: [deployment, deploy_status_code]}}
        """;

    [Fact]
    public async Task Create_ScriptWritesOutputs_OutputsAndDeployAttributesHoldThem()
    {
        await using var stack = new DeploymentStack(Template);

        await stack.CreateAsync();
        var outputs = await stack.OutputsAsync();
        var attributes = (await stack.ResourceAsync("deployment")).GetProperty("attributes");

        outputs["lines"].ShouldBe("first\nsecond\n");
        outputs["echo"].ShouldBe("plain");
        outputs["never_written"].ShouldBeNull();
        outputs["status"].ShouldBe("0");
        attributes.GetProperty("deploy_stdout").GetString().ShouldBe("to stdout\n");
        attributes.GetProperty("deploy_stderr").GetString().ShouldBe("to stderr\n");
        attributes.GetProperty("deploy_status_code").GetInt64().ShouldBe(0);
        attributes.GetProperty("lines").GetString().ShouldBe("first\nsecond\n");
    }

    [Fact]
    public async Task Create_ErrorOutputSet_FailsTheDeploymentWithTheValue()
    {
        await using var stack = new DeploymentStack(Template);

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--parameter", "set_error=disk full", "--disable-rollback");

        result.ExitCode.ShouldBe(1, result.ToString());
        var deployment = await stack.ResourceAsync("deployment");
        deployment.GetProperty("resource_status").GetString().ShouldBe("CREATE_FAILED");
        deployment.GetProperty("resource_status_reason").GetString().ShouldBe("Deployment to server failed: An error output was set: failure : disk full");
    }

    [Fact]
    public async Task Create_InputWithShellSyntax_ReachesTheScriptAsInertText()
    {
        await using var stack = new DeploymentStack(Template);
        var marker = Path.Combine(stack.Folder, "pwned");
        var payload = $"$(touch {marker}); `touch {marker}`; echo $HOME \"' && touch {marker}";

        await stack.CreateAsync("--parameter", "payload=" + payload);

        (await stack.OutputAsync("echo")).ShouldBe(payload);
        File.Exists(marker).ShouldBeFalse();
    }
}
