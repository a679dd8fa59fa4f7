using System.Text;
using System.Text.RegularExpressions;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// <c>hearth token create|list|revoke</c>: a token is printed alone on stdout, once, and kept only as its hash in the
/// state; a state of an earlier Hearth gains the tokens' table when opened.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class TokenCommandsTests
{
    [Fact]
    public async Task Create_NewName_PrintsTheTokenAloneAndKeepsOnlyItsHash()
    {
        using var stack = new CliStack();

        var create = await stack.RunAsync("token", "create", "ci");
        var list = await stack.RunAsync("token", "list", "-f", "json");

        create.ExitCode.ShouldBe(0, create.ToString());
        var secret = create.Out.TrimEnd('\n');
        TokenPattern().IsMatch(secret).ShouldBeTrue($"stdout is the token alone: '{create.Out}'");
        create.Error.ShouldContain("shown this once");
        list.ExitCode.ShouldBe(0, list.ToString());
        var tokens = CliStack.Json(list).EnumerateArray().Select(t => (t.GetProperty("name").GetString(), t.GetProperty("access").GetString())).ToList();
        tokens.ShouldBe([("ci", "read-write")]);
        list.Out.ShouldNotContain(secret);
        foreach (var file in Directory.GetFiles(stack.State, "hearth.db*"))
        {
            Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)).ShouldNotContain(secret[ApiTokensPrefix.Length..], customMessage: file);
        }
    }

    [Fact]
    public async Task Create_ReadOnlyAndTwice_ListsRightsAndRefusesTheSecondName()
    {
        using var stack = new CliStack();

        var first = await stack.RunAsync("token", "create", "viewer", "--read-only");
        var second = await stack.RunAsync("token", "create", "viewer");
        var list = await stack.RunAsync("token", "list");

        first.ExitCode.ShouldBe(0, first.ToString());
        second.ExitCode.ShouldBe(2, second.ToString());
        second.Error.ShouldContain("a token named 'viewer' exists already");
        second.Out.ShouldBeEmpty();
        list.Out.ShouldContain("viewer");
        list.Out.ShouldContain("read-only");
    }

    [Fact]
    public async Task Revoke_KnownAndUnknown_RemovesOneAndSaysNotFound()
    {
        using var stack = new CliStack();
        (await stack.RunAsync("token", "create", "ci")).ExitCode.ShouldBe(0);

        var revoke = await stack.RunAsync("token", "revoke", "ci");
        var again = await stack.RunAsync("token", "revoke", "ci");
        var list = await stack.RunAsync("token", "list", "-f", "json");

        revoke.ExitCode.ShouldBe(0, revoke.ToString());
        again.ExitCode.ShouldBe(4, again.ToString());
        again.Error.ShouldContain("no token is named 'ci'");
        list.Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Create_OnStateOf796b3ff_MigratesAndKeepsTheStack()
    {
        using var stack = new CliStack();
        Directory.CreateDirectory(stack.State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "state-796b3ff", "hearth.db"), Path.Combine(stack.State, "hearth.db"));

        var create = await stack.RunAsync("token", "create", "ci");
        var tokens = await stack.RunAsync("token", "list", "-f", "json");
        var stacks = await stack.RunAsync("stack", "list", "-f", "json");

        create.ExitCode.ShouldBe(0, create.ToString());
        CliStack.Json(tokens).EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("ci");
        CliStack.Json(stacks).EnumerateArray().Single().GetProperty("stack_name").GetString().ShouldBe("demo");
    }

    private const string ApiTokensPrefix = "hearth_";

    [GeneratedRegex("^hearth_[0-9a-f]{64}$")]
    private static partial Regex TokenPattern();
}
