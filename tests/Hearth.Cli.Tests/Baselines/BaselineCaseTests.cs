using System.Text.Json;

namespace Hearth.Cli.Tests.Baselines;

/// <summary>Facts about some baseline cases that a textual comparison alone would not guard.</summary>
public sealed class BaselineCaseTests
{
    private static string Case(string name) => Path.Combine(BaselineTests.BaselineRoot, name);

    [Theory]
    [InlineData("table")]
    [InlineData("json")]
    [InlineData("yaml")]
    public async Task Validate_HiddenParameters_NeverPrintTheirValues(string format)
    {
        var result = await CliRunner.RunAsync("template", "validate", "-t", Path.Combine(Case("valid-hidden-parameter"), "template.yaml"),
            "--parameter", "api_key=Sup3rSecretKey", "-f", format);

        result.ExitCode.ShouldBe(0, result.ToString());
        var printed = result.Out + result.Error;
        printed.ShouldNotContain("Sup3rSecretKey");
        printed.ShouldNotContain("hunter2");
        printed.ShouldContain("******");
    }

    [Fact]
    public async Task Validate_JsonFormat_GivesCodeLineAndColumnOfEachDiagnostic()
    {
        var result = await CliRunner.RunAsync("template", "validate", "-t", Path.Combine(Case("several-errors-in-order"), "template.yaml"), "-f", "json");

        result.ExitCode.ShouldBe(2, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("valid").GetBoolean().ShouldBeFalse();
        var diagnostics = json.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Select(d => (Code: d.GetProperty("code").GetString(), Line: d.GetProperty("line").GetInt32(), Column: d.GetProperty("column").GetInt32(),
                Severity: d.GetProperty("severity").GetString()))
            .ToList();
        diagnostics.ShouldBe([
            ("HT013", 2, 1, "error"),
            ("HT502", 6, 3, "warning"),
            ("HT106", 10, 18, "error"),
            ("HT110", 11, 22, "error"),
            ("HT503", 15, 7, "warning"),
            ("HT104", 18, 14, "error"),
        ]);
        var dependsOn = json.RootElement.GetProperty("diagnostics")[2];
        dependsOn.GetProperty("message").GetString().ShouldBe("resource 'b' depends on 'c', which is not defined in this template (did you mean 'a'?)");
        dependsOn.GetProperty("file").GetString()!.ShouldEndWith("template.yaml");
    }

    [Fact]
    public async Task Validate_ErrorInNestedTemplate_PointsIntoTheNestedFile()
    {
        var folder = Case("environment-nested-template-error");
        var result = await CliRunner.RunAsync("template", "validate", "-t", Path.Combine(folder, "template.yaml"), "-e", Path.Combine(folder, "env.yaml"), "-f", "json");

        result.ExitCode.ShouldBe(2, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var diagnostic = json.RootElement.GetProperty("diagnostics").EnumerateArray().ShouldHaveSingleItem();
        diagnostic.GetProperty("code").GetString().ShouldBe("HT104");
        diagnostic.GetProperty("file").GetString()!.Replace('\\', '/').ShouldEndWith("nested/database.yaml");
        diagnostic.GetProperty("line").GetInt32().ShouldBe(9);
        diagnostic.GetProperty("column").GetInt32().ShouldBe(16);
    }
}
