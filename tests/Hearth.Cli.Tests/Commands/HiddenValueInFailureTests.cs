namespace Hearth.Cli.Tests.Commands;

/// <summary>A hidden parameter's value never shows, not even inside an error message that quotes the value.</summary>
public sealed class HiddenValueInFailureTests
{
    [Fact]
    public async Task Create_FailureQuotesHiddenValue_ValueIsMaskedInOutputAndEvents()
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
        var events = await CliRunner.RunAsync("--state", temp.Path, "stack", "event", "list", "h", "-f", "json");
        var shown = await CliRunner.RunAsync("--state", temp.Path, "stack", "show", "h", "-f", "yaml");

        // Heat refuses the property value at create, before the stack exists: so does Hearth (exit 2, nothing recorded).
        created.ExitCode.ShouldBe(2, created.ToString());
        created.Error.ShouldContain("'******' is not a valid boolean");
        foreach (var output in new[] { created.Out, created.Error, events.Out, events.Error, shown.Out, shown.Error })
        {
            output.ShouldNotContain("topsecret123");
        }
    }
}
