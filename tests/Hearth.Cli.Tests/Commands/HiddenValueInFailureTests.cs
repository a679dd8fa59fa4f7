namespace Hearth.Cli.Tests.Commands;

/// <summary>A hidden parameter's value never shows, not even inside an error message that quotes the value.</summary>
public sealed class HiddenValueInFailureTests
{
    [Fact]
    public async Task Create_RefusalQuotesHiddenValue_ValueIsMaskedAndNothingIsRecorded()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              secret: {type: string, default: topsecret123, hidden: true}
            resources:
              r:
                type: OS::Heat::TestResource
                properties:
                  value: x
                  fail: {get_param: secret}
            """);

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "h", "-t", template);
        var list = await CliRunner.RunAsync("--state", temp.Path, "stack", "list", "-f", "json");

        // Heat refuses the property value at create, before the stack exists: so does Hearth (exit 2, nothing recorded).
        created.ExitCode.ShouldBe(2, created.ToString());
        created.Error.ShouldContain("'******' is not a valid boolean");
        created.Out.ShouldNotContain("topsecret123");
        created.Error.ShouldNotContain("topsecret123");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Out.Trim().ShouldBe("[]");
    }
}
