namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// Every numeric and enum option is checked while the command line is parsed: a bad value is exit 2 with a message
/// naming the option, and nothing is written (no stack recorded, an existing stack untouched).
/// </summary>
public sealed class OptionValidationTests
{
    public static TheoryData<string, string[]> BadNewStackCommands => new()
    {
        { "--max-parallel must be at least 1 (got 0)", ["stack", "create", "s", "-t", "TEMPLATE", "--max-parallel", "0"] },
        { "--max-parallel must be at least 1 (got -3)", ["stack", "create", "s", "-t", "TEMPLATE", "--max-parallel", "-3"] },
        { "--max-parallel must be at least 1 (got 0)", ["stack", "create", "s", "-t", "TEMPLATE", "--max-parallel", "0", "--no-wait"] },
        { "'7' is not an output format", ["stack", "create", "s", "-t", "TEMPLATE", "-f", "7"] },
        { "--max-parallel must be at least 1 (got 0)", ["stack", "update", "s", "-t", "TEMPLATE", "--max-parallel", "0"] },
        { "'yml' is not an output format", ["template", "validate", "-t", "TEMPLATE", "-f", "yml"] },
        { "--max-parallel must be a whole number (got 'abc')", ["stack", "create", "s", "-t", "TEMPLATE", "--max-parallel", "abc"] },
        { "--max-parallel must be a whole number (got '1.5')", ["stack", "create", "s", "-t", "TEMPLATE", "--max-parallel", "1.5", "--no-wait"] },
    };

    public static TheoryData<string, string[]> BadExistingStackCommands => new()
    {
        { "--max-parallel must be at least 1 (got 0)", ["stack", "update", "s", "-t", "TEMPLATE", "-P", "greeting=changed", "--max-parallel", "0"] },
        { "--max-parallel must be at least 1 (got -1)", ["stack", "update", "s", "--existing", "--max-parallel", "-1", "--no-wait"] },
        { "--max-parallel must be at least 1 (got 0)", ["stack", "delete", "s", "--yes", "--max-parallel", "0"] },
        { "--max-parallel must be at least 1 (got 0)", ["stack", "resume", "s", "--max-parallel", "0"] },
        { "--max-parallel must be at least 1 (got 0)", ["stack", "cancel", "s", "--max-parallel", "0"] },
        { "--nested-depth must be at least 0 (got -1)", ["stack", "resource", "list", "s", "--nested-depth", "-1"] },
        { "'-1' is not an output format", ["stack", "show", "s", "-f", "-1"] },
        { "'2' is not an output format", ["stack", "list", "-f", "2"] },
        { "'svg' is not a graph format for --format; use dot or mermaid", ["stack", "graph", "s", "--format", "svg"] },
        { "'1' is not a graph format for --format; use dot or mermaid", ["stack", "graph", "s", "-f", "1"] },
        { "--max-parallel must be a whole number (got 'abc')", ["stack", "update", "s", "--existing", "--max-parallel", "abc"] },
        { "--nested-depth must be a whole number (got 'x')", ["stack", "resource", "list", "s", "--nested-depth", "x"] },
        { "--after must be a whole number (got 'abc')", ["stack", "event", "list", "s", "--after", "abc"] },
        { "--after must be at least 0 (got -1)", ["stack", "event", "list", "s", "--after", "-1"] },
        { "give --existing (with --parameter to change values) or -t TEMPLATE [-e ENV], not both", ["stack", "update", "s", "--existing", "-t", "TEMPLATE", "-P", "greeting=changed"] },
        { "give --existing (with --parameter to change values) or -t TEMPLATE [-e ENV], not both", ["stack", "update", "s", "--existing", "-e", "TEMPLATE", "--no-wait"] },
        { "give --existing (with --parameter to change values) or -t TEMPLATE [-e ENV], not both", ["stack", "preview", "s", "--existing", "-t", "TEMPLATE"] },
    };

    [Theory]
    [MemberData(nameof(BadNewStackCommands))]
    public async Task Command_BadOptionValue_Exits2AndRecordsNoStack(string message, string[] args)
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync([.. args.Select(a => a == "TEMPLATE" ? stack.TemplatePath : a)]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain(message);
        result.Error.ShouldNotContain("internal error");
        var list = await stack.RunAsync("stack", "list", "-f", "json");
        CliStack.Json(list).GetArrayLength().ShouldBe(0, list.ToString());
    }

    [Theory]
    [MemberData(nameof(BadExistingStackCommands))]
    public async Task Command_BadOptionValue_Exits2AndLeavesTheStackUnchanged(string message, string[] args)
    {
        using var stack = new CliStack();
        await stack.CreateAsync("s");
        var before = await StateAsync(stack);

        var result = await stack.RunAsync([.. args.Select(a => a == "TEMPLATE" ? stack.TemplatePath : a)]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain(message);
        result.Error.ShouldNotContain("internal error");
        (await StateAsync(stack)).ShouldBe(before);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("Leav")]
    public async Task Server_InterruptedNotResumeOrLeave_Exits2NamingTheChoicesBeforeListening(string value)
    {
        // A number used to be taken as an unnamed policy (and acted as resume); a misspelling got the parser's message
        // naming the .NET type.
        using var stack = new CliStack();

        var result = await stack.RunAsync("server", "--urls", "http://127.0.0.1:0", "--interrupted", value);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldStartWith($"hearth: '{value}' is not a choice for --interrupted; use resume or leave\n");
        result.Error.ShouldNotContain("Hearth.Server");
        result.Out.ShouldNotContain("Listening");
    }

    [Fact]
    public async Task Server_MaxParallelNotANumber_Exits2NamingTheOptionBeforeListening()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("server", "--urls", "http://127.0.0.1:0", "--max-parallel", "x");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldStartWith("hearth: --max-parallel must be a whole number (got 'x')\n");
        result.Error.ShouldNotContain("internal error");
        result.Out.ShouldNotContain("Listening");
    }

    [Fact]
    public async Task Create_MisspeltParameterName_NamesItsPlaceSuggestsTheNameAndBlamesTheParameters()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "s", "-t", stack.TemplatePath, "-P", "greeting=hi", "-P", "greting=hello");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--parameter:1:2: error HT302: The Parameter (greting) was not defined in template. Did you mean 'greeting'?");
        result.Error.ShouldEndWith("hearth: the --parameter values have 1 error\n");
    }

    /// <summary>The stack as JSON and its event log: any write would change one of them.</summary>
    private static async Task<string> StateAsync(CliStack stack)
    {
        var show = await stack.RunAsync("stack", "show", "s", "-f", "json");
        var events = await stack.RunAsync("stack", "event", "list", "s", "-f", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        events.ExitCode.ShouldBe(0, events.ToString());
        return show.Out + events.Out;
    }
}
