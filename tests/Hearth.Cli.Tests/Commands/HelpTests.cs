using System.Text.RegularExpressions;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// <c>hearth --help</c> and the help of every command under it (found by walking the "Commands:" sections): each
/// command and option is described, and an option's value is shown as it is typed (<c>table|json|yaml</c>), never as
/// the name of the enum behind it.
/// </summary>
public sealed partial class HelpTests
{
    [Fact]
    public async Task Help_EveryCommand_DescribesEveryOptionAndCommand()
    {
        var commands = await AllCommandsAsync();
        commands.ShouldContain("stack create");
        commands.ShouldContain("stack output show");
        commands.ShouldContain("token revoke");

        foreach (var command in commands)
        {
            var help = await HelpAsync(command);
            foreach (var section in new[] { "Options:", "Commands:", "Arguments:" })
            {
                foreach (var line in Section(help, section))
                {
                    // Two columns: the name (and value), then at least two spaces and the description.
                    line.ShouldMatch(@"^  \S.*\S {2,}\S", $"'hearth {command} --help' has a row without a description:\n{line}");
                }
            }
        }
    }

    [Fact]
    public async Task Help_EnumOptions_ShowTheValuesAsTyped()
    {
        var list = await HelpAsync("stack list");
        list.ShouldContain("-f, --format <table|json|yaml>  Output format: table (the default), json or yaml");
        list.ShouldNotContain("Table", Case.Sensitive);

        var server = await HelpAsync("server");
        server.ShouldContain("--interrupted <resume|leave>");
        server.ShouldNotContain("Resume", Case.Sensitive);
        Section(server, "Options:").Single(l => l.Contains("--urls", StringComparison.Ordinal))
            .ShouldEndWith("Where to listen, ';' between addresses (loopback unless told otherwise) [default: http://127.0.0.1:8004]");
    }

    [Fact]
    public async Task Help_ServerAndToken_ListedOnlyWhereTheyApply()
    {
        // Every command listed --server and --token, hearth server among them, which serves its own state.
        foreach (var command in await AllCommandsAsync())
        {
            var options = Section(await HelpAsync(command), "Options:").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
            var applies = command == "stack" || command.StartsWith("stack ", StringComparison.Ordinal);
            options.Contains("--server").ShouldBe(applies, $"hearth {command} --help");
            options.Contains("--token").ShouldBe(applies, $"hearth {command} --help");
            options.ShouldContain("--state", $"hearth {command} --help");
        }

        var root = Section(await HelpAsync(""), "Options:").ToList();
        root.ShouldContain(l => l.StartsWith("  --server <server>", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("server --server http://127.0.0.1:9", "--server is for the 'hearth stack' commands, to work on a hearth server's stacks: 'hearth server' does not take it (a server serves the stacks of its own state, --state)")]
    [InlineData("--server http://127.0.0.1:9 server", "--server is for the 'hearth stack' commands, to work on a hearth server's stacks: 'hearth server' does not take it (a server serves the stacks of its own state, --state)")]
    [InlineData("server --token=secret --server http://127.0.0.1:9", "--server and --token are for the 'hearth stack' commands, to work on a hearth server's stacks: 'hearth server' does not take them (a server serves the stacks of its own state, --state)")]
    [InlineData("token list --token secret", "--token is for the 'hearth stack' commands, to work on a hearth server's stacks: 'hearth token list' does not take it")]
    public async Task RemoteOptions_GivenToACommandOtherThanStack_RefusedWithExitTwo(string args, string message)
    {
        using var state = new TempDirectory();

        var result = await CliRunner.RunAsync(["--state", state.Combine("state"), .. args.Split(' ')]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Out.ShouldBeEmpty();
        result.Error.ShouldBe($"hearth: {message}\nRun 'hearth --help' for usage.\n");
    }

    [Theory]
    [InlineData("--server http://127.0.0.1:9 --token t stack list")]
    [InlineData("stack list --server http://127.0.0.1:9 --token t")]
    [InlineData("stack --server http://127.0.0.1:9 output list demo --token t")]
    public async Task RemoteOptions_BeforeOrAfterStack_SendTheCommandToTheServer(string args)
    {
        using var state = new TempDirectory();

        var result = await CliRunner.RunAsync(["--state", state.Combine("state"), .. args.Split(' ')]);

        result.ExitCode.ShouldBe(5, result.ToString());
        result.Error.ShouldStartWith("hearth: cannot reach the server http://127.0.0.1:9/v1/hearth: ");
    }

    [Theory]
    [InlineData("stack", "Stack Name  Stack Status")]
    [InlineData("token", "Name  Access")]
    public async Task List_FormatAbsent_IsATable(string group, string header)
    {
        using var state = new TempDirectory();
        if (group == "token")
        {
            (await CliRunner.RunAsync("--state", state.Combine("state"), "token", "create", "me")).ExitCode.ShouldBe(0);
        }

        var result = await CliRunner.RunAsync("--state", state.Combine("state"), group, "list");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldStartWith(header);
        result.Out.Split('\n')[1].ShouldMatch("^-+  -+");
    }

    private static async Task<List<string>> AllCommandsAsync()
    {
        var found = new List<string>();
        var pending = new Queue<string>([""]);
        while (pending.TryDequeue(out var command))
        {
            foreach (var line in Section(await HelpAsync(command), "Commands:"))
            {
                var name = CommandName().Match(line).Groups[1].Value;
                var path = command.Length == 0 ? name : $"{command} {name}";
                found.Add(path);
                pending.Enqueue(path);
            }
        }

        return found;
    }

    private static async Task<string> HelpAsync(string command)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result.Out;
    }

    /// <summary>The rows of a help section (a continuation row of a wrapped description starts with more spaces).</summary>
    private static IEnumerable<string> Section(string help, string title) =>
        help.Split('\n').SkipWhile(l => l != title).Skip(1).TakeWhile(l => l.Length > 0).Where(l => !l.StartsWith("   ", StringComparison.Ordinal));

    [GeneratedRegex(@"^  (\S+)")]
    private static partial Regex CommandName();
}
