namespace Hearth.Cli.Tests.Deployments;

/// <summary>What scripts print and name is data: shown, never obeyed by the terminal, and never read from outside the outputs folder.</summary>
public sealed class ScriptTextTests
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
              inputs: [{name: fail}]
              outputs: [{name: colour}]
              config: |
                #!/bin/sh
                printf 'red \033[31mRED\033]0;owned\007 \302\233J\342\200\256txt\r\n' > "${heat_outputs_path}.colour"
                if [ -n "$fail" ]; then printf 'bad \033[2J\n' >&2; exit 1; fi
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {fail: ''}
          broken:
            type: OS::Heat::SoftwareDeployment
            depends_on: deployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {fail: 'yes'}
        outputs:
          colour: {value: {get_attr: [deployment, colour]}}
        """;

    [Fact]
    public async Task Reads_ScriptPrintsEscapeSequences_TablesShowThemWithoutControlCharacters()
    {
        await using var stack = new DeploymentStack(Template);

        var created = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback");
        CliResult[] shown =
        [
            created,
            await stack.RunAsync("stack", "event", "list", DeploymentStack.Name),
            await stack.RunAsync("stack", "show", DeploymentStack.Name),
            await stack.RunAsync("stack", "resource", "show", DeploymentStack.Name, "deployment"),
            await stack.RunAsync("stack", "output", "show", DeploymentStack.Name, "--all"),
            await stack.RunAsync("stack", "output", "show", DeploymentStack.Name, "colour"),
        ];

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain(@"bad \x1b[2J");
        shown[^1].Out.ShouldBe("red \\x1b[31mRED\\x1b]0;owned\\x07 \\u009bJ\\u202etxt\r\n\n");
        foreach (var result in shown)
        {
            (result.Out + result.Error).ShouldNotContain('\u001b', customMessage: result.ToString());
            (result.Out + result.Error).ShouldNotContain('\u009b', customMessage: result.ToString());
            (result.Out + result.Error).ShouldNotContain('\u202e', customMessage: result.ToString());
        }
    }

    [Fact]
    public async Task Reads_JsonOfAValueWithControlCharacters_KeepsTheValue()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback");

        var colour = (await stack.OutputsAsync())["colour"];

        colour.ShouldBe("red \u001b[31mRED\u001b]0;owned\u0007 \u009bJ\u202etxt\r\n");
    }

    [Fact]
    public async Task Reads_YamlOfAValueWithControlCharacters_ParsesBackToTheValue()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback");

        var shown = await stack.RunAsync("stack", "output", "show", DeploymentStack.Name, "colour", "-f", "yaml");

        shown.Out.ShouldNotContain('\u001b');
        var parsed = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(shown.Out);
        parsed["output_value"].ShouldBe("red \u001b[31mRED\u001b]0;owned\u0007 \u009bJ\u202etxt\r\n");
    }

    [Fact]
    public async Task Create_OutputNameIsAPathOutOfTheOutputsFolder_FailsWithoutRunningOrReadingIt()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties: {software_config_transport: LOCAL}
              config:
                type: OS::Heat::SoftwareConfig
                properties:
                  group: script
                  outputs: [{name: x/../../../../../outside}]
                  config: |
                    #!/bin/sh
                    mkdir -p "${heat_outputs_path}.x"
                    touch @DIR@/ran
              deployment:
                type: OS::Heat::SoftwareDeployment
                properties:
                  config: {get_resource: config}
                  server: {get_resource: server}
            outputs:
              leaked: {value: {get_attr: [deployment, x/../../../../../outside]}}
            """);
        stack.File("outside", "a file beside the state folder");

        var created = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback");

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain("The output name 'x/../../../../../outside' contains '/' or NUL");
        File.Exists(Path.Combine(stack.Folder, "ran")).ShouldBeFalse("the script does not run");
        (await stack.OutputsAsync())["leaked"].ShouldBeNull();
    }
}
