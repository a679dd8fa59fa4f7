namespace Hearth.Cli.Tests.Templates;

/// <summary>What <c>hearth template validate</c> says of a template beyond its diagnostics' codes and positions.</summary>
public sealed class TemplateValidateTests
{
    private const string WithParameters = """
        heat_template_version: 2021-04-16
        parameters:
          name: {type: string}
          size: {type: number, default: 3}
          token: {type: string, hidden: true}
        resources:
          v: {type: OS::Heat::Value, properties: {value: {get_param: name}}}
        """;

    [Fact]
    public async Task Validate_ParametersWithoutValues_IsValidAndSaysACreateNeedsThem()
    {
        using var folder = new TempDirectory();
        var template = folder.File("t.yaml", WithParameters);

        var result = await CliRunner.RunAsync("template", "validate", "-t", template);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("name   string  (no value)  missing");
        result.Out.ShouldContain("size   number  3           default");
        result.Out.ShouldContain("A stack needs a value for name, token: give --parameter name=VALUE (or parameters: in an environment file, -e).");
    }

    [Fact]
    public async Task Validate_Json_GivesAParameterWithoutValueAsNull()
    {
        using var folder = new TempDirectory();
        var template = folder.File("t.yaml", WithParameters);

        var result = await CliRunner.RunAsync("template", "validate", "-t", template, "-f", "json", "--parameter", "token=s3cret");

        result.ExitCode.ShouldBe(0, result.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(result.Out);
        var parameters = report.RootElement.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString() ?? "");
        parameters["name"].GetProperty("value").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        parameters["name"].GetProperty("source").GetString().ShouldBe("missing");
        parameters["size"].GetProperty("value").GetString().ShouldBe("3");
        parameters["token"].GetProperty("value").GetString().ShouldBe("******");
        result.ToString().ShouldNotContain("s3cret");
    }

    [Fact]
    public async Task Validate_MisspeltReference_SuggestsAnotherResourceNeverTheOneThatRefersToIt()
    {
        using var folder = new TempDirectory();
        // web3 is as close to web2 (which holds the reference: naming it would be a cycle) as to web1.
        var template = folder.File("t.yaml", """
            heat_template_version: 2021-04-16
            resources:
              web2:
                type: OS::Heat::Value
                properties: {value: {get_attr: [web3, value]}}
              web1:
                type: OS::Heat::None
            """);

        var result = await CliRunner.RunAsync("template", "validate", "-t", template);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.ToString().ShouldContain("t.yaml:5:26: error HT104: the resource 'web3' is not defined in this template (did you mean 'web1'?)");
    }
}
