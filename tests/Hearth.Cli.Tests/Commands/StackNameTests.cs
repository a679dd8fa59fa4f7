namespace Hearth.Cli.Tests.Commands;

/// <summary>Stack names follow Heat's rule, checked before anything is written.</summary>
public sealed class StackNameTests
{
    public static TheoryData<string> BadNames => ["", "a/b", "../../x", "1abc", "-x", "_x", "a b", "x\u001b]0;owned\u0007", "caf\u00e9", new string('a', 256)];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Create_NameBreaksTheRule_RefusedWithTheRuleBeforeAnythingIsWritten(string name)
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", name, "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("a stack name starts with a letter and holds only letters, digits, '_', '.' and '-', at most 255 characters");
        result.Error.ShouldNotContain("\u001b");
        Directory.Exists(stack.State).ShouldBeFalse("nothing is written for a refused name");
    }

    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    [InlineData("delete")]
    public async Task NoWait_NameWouldLeaveTheStateFolder_RefusedWithoutWritingALog(string verb)
    {
        using var stack = new CliStack();
        string[] template = verb == "delete" ? [] : ["-t", stack.TemplatePath];

        var result = await stack.RunAsync(["stack", verb, "../../x", .. template, "--no-wait"]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("'../../x' cannot name a stack");
        Directory.Exists(stack.State).ShouldBeFalse();
        Directory.GetFiles(Path.GetDirectoryName(stack.State) ?? "", "*.log", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Web.tier_2-blue")]
    public async Task Create_NameFollowsTheRule_Created(string name)
    {
        using var stack = new CliStack();

        var created = await stack.RunAsync("stack", "create", name, "-t", stack.TemplatePath);

        created.ExitCode.ShouldBe(0, created.ToString());
    }

    [Fact]
    public async Task Create_NameOf255Characters_Created()
    {
        using var stack = new CliStack();
        var name = "s" + new string('x', 254);

        var created = await stack.RunAsync("stack", "create", name, "-t", stack.TemplatePath);
        var shown = await stack.RunAsync("stack", "show", name, "-f", "json");

        created.ExitCode.ShouldBe(0, created.ToString());
        CliStack.Json(shown).GetProperty("stack_name").GetString().ShouldBe(name);
    }
}
