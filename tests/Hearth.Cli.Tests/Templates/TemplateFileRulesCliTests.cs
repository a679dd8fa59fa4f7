using System.Diagnostics;
using Hearth.Cli.Tests.Commands;
using Hearth.Templates.Files;

namespace Hearth.Cli.Tests.Templates;

/// <summary>
/// What templates may read, through <c>hearth template validate</c> and <c>stack create</c>: no file through a link out of
/// the template's folder, no FIFO or device, nothing over the size limits, no alias bomb. Each is a positioned
/// diagnostic with its code and exit code 2, and nothing of the refused file reaches the state.
/// </summary>
public sealed class TemplateFileRulesCliTests
{
    private const string Secret = "SECRET-6d1f0c";

    [Fact]
    public async Task Validate_GetFileThroughALinkOutOfTheFolder_Exits2WithHT206AtTheCall()
    {
        using var folder = new TempDirectory();
        var outside = folder.File("outside/shadow", Secret);
        Directory.CreateDirectory(Path.Combine(folder.Path, "tpl"));
        File.CreateSymbolicLink(Path.Combine(folder.Path, "tpl", "etc"), Path.GetDirectoryName(outside)!);
        var template = folder.File("tpl/t.yaml", """
            heat_template_version: 2018-08-31
            outputs:
              shadow: {value: {get_file: etc/shadow}}
            """);

        var result = await CliRunner.RunAsync("template", "validate", "-t", template);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.ToString().ShouldContain($"t.yaml:3:20: error HT206: 'etc/shadow' is {folder.Path}/tpl/etc/shadow, a link to {outside}");
        result.ToString().ShouldNotContain(Secret);
    }

    [Fact]
    public async Task Create_GetFileThroughALinkOutOfTheFolder_Exits2AndKeepsNothingOfTheFile()
    {
        using var stack = new CliStack("""
            heat_template_version: 2018-08-31
            outputs:
              shadow: {value: {get_file: etc/shadow}}
            """);
        var outside = stack.File("outside/shadow", Secret);
        var folder = Path.GetDirectoryName(stack.TemplatePath)!;
        var template = stack.File("tpl/stack.yaml", File.ReadAllText(stack.TemplatePath));
        File.CreateSymbolicLink(Path.Combine(folder, "tpl", "etc"), Path.GetDirectoryName(outside)!);

        var result = await stack.RunAsync("stack", "create", "demo", "-t", template);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("stack.yaml:3:20: error HT206: ");
        result.ToString().ShouldNotContain(Secret);
        (await stack.RunAsync("stack", "list")).Out.ShouldNotContain("demo");
        foreach (var file in Directory.Exists(stack.State) ? Directory.EnumerateFiles(stack.State, "*", SearchOption.AllDirectories) : [])
        {
            (await File.ReadAllTextAsync(file)).ShouldNotContain(Secret, customMessage: file);
        }
    }

    [Fact]
    public async Task Create_GetFileOfAFifo_Exits2WithHT021InsteadOfBlocking()
    {
        using var stack = new CliStack("""
            heat_template_version: 2018-08-31
            outputs:
              piped: {value: {get_file: pipe}}
            """);
        var fifo = Path.Combine(Path.GetDirectoryName(stack.TemplatePath)!, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync().WaitAsync(CliRunner.Timeout);
        }

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain($"stack.yaml:3:19: error HT021: 'pipe' ({fifo}) is a FIFO; templates read regular files only");
    }

    [Fact]
    public async Task Validate_TemplateOverTheSizeLimit_Exits2WithHT020AtTheFile()
    {
        using var folder = new TempDirectory();
        var template = Path.Combine(folder.Path, "big.yaml");
        using (var stream = File.Create(template))
        {
            stream.SetLength(FileLimits.TemplateBytes * 2);
        }

        var result = await CliRunner.RunAsync("template", "validate", "-t", template);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.ToString().ShouldContain("big.yaml:1:1: error HT020: the template is 64 MiB, more than the 32 MiB allowed");
    }

    [Fact]
    public async Task Validate_AliasBombInAParameterDefault_Exits2WithHT022AtTheAlias()
    {
        using var folder = new TempDirectory();
        var levels = Enumerable.Range(0, 9).Select(i => $"      l{i + 1}: &l{i + 1} [{string.Join(", ", Enumerable.Repeat($"*l{i}", 10))}]");
        var template = folder.File("bomb.yaml", string.Join("\n",
        [
            "heat_template_version: 2018-08-31",
            "parameters:",
            "  p:",
            "    type: json",
            "    default:",
            "      l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
            .. levels,
        ]) + "\n");

        var result = await CliRunner.RunAsync("template", "validate", "-t", template);

        result.ExitCode.ShouldBe(2, result.ToString());
        // l4 holds 111,111 nodes: its 8th alias, on line 11 at column 51, takes the aliases past 1,000,000 nodes.
        result.ToString().ShouldContain("bomb.yaml:11:51: error HT022: YAML aliases repeat more than 1,000,000 nodes");
    }
}
