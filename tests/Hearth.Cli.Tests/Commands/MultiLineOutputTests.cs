using YamlDotNet.Serialization;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// Values of several lines (scripts, certificates) read as they are: YAML writes them as literal blocks with their tabs,
/// JSON with its own escapes, and both parse back to the exact value, whether stdout is a terminal, a file or a pipe.
/// </summary>
public sealed class MultiLineOutputTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        outputs:
          script: {value: "#!/bin/sh\nif true; then\n\techo 'two  spaces'\nfi\n"}
          indented: {value: "  starts with spaces\nand ends with them  \n\n"}
        """;

    public static TheoryData<string, string> Values() => new()
    {
        { "script", "#!/bin/sh\nif true; then\n\techo 'two  spaces'\nfi\n" },
        { "indented", "  starts with spaces\nand ends with them  \n\n" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task OutputShowYaml_MultiLineValue_LiteralBlockThatParsesBackExactly(string name, string value)
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync();

        var shown = await stack.RunAsync("stack", "output", "show", "demo", name, "-f", "yaml");

        shown.ExitCode.ShouldBe(0, shown.ToString());
        shown.Out.ShouldContain("output_value: |");
        new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(shown.Out)["output_value"].ShouldBe(value);
    }

    [Fact]
    public async Task OutputShowYaml_Script_ItsLinesAndTabsAsWritten()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync();

        var shown = await stack.RunAsync("stack", "output", "show", "demo", "script", "-f", "yaml");

        shown.Out.ShouldContain("output_value: |\n  #!/bin/sh\n  if true; then\n  \techo 'two  spaces'\n  fi\n");
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task OutputShowJson_MultiLineValue_ParsesBackExactly(string name, string value)
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync();

        var shown = await stack.RunAsync("stack", "output", "show", "demo", name, "-f", "json");

        CliStack.Json(shown).GetProperty("output_value").GetString().ShouldBe(value);
    }
}
