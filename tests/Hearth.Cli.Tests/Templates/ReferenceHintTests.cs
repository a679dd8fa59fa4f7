namespace Hearth.Cli.Tests.Templates;

/// <summary>The did-you-mean of a reference to a resource that is not there, through <c>hearth template validate</c>.</summary>
public sealed class ReferenceHintTests
{
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
