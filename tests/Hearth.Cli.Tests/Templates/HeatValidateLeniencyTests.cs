using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.Templates;

/// <summary>
/// What Heat's validate accepts is a warning for <c>template validate</c> (exit 0), an error with <c>--strict</c>
/// (exit 2); <c>stack create</c> refuses, before it records anything, what Heat refuses at create. Each case was
/// checked against Heat 19's validate and create.
/// </summary>
public sealed class HeatValidateLeniencyTests
{
    private const string NeedsParameter = """
        heat_template_version: 2021-04-16
        parameters:
          needed: {type: string}
        resources:
          v:
            type: OS::Heat::Value
            properties: {value: {get_param: needed}}
        """;

    private const string UsesNested = """
        heat_template_version: 2021-04-16
        resources:
          n: {type: nested.yaml}
        """;

    private const string PropertyValue = """
        heat_template_version: 2021-04-16
        resources:
          r:
            type: OS::Heat::RandomString
            properties: {length: eight}
        """;

    private const string OutputProblems = """
        heat_template_version: 2021-04-16
        outputs:
          o:
            value: {get_param: nope}
            descripton: typo
        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "nested parameter without value", UsesNested, "HT301" },
        { "property value", PropertyValue, "HT503" },
        { "undeclared parameter and unknown key in an output", OutputProblems, "HT116" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_FindingHeatValidateAccepts_WarnsAndExitsZero(string what, string template, string code)
    {
        using var stack = NewStack(template);

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, $"{what}\n{result}");
        result.Error.ShouldContain($": warning {code}: ");
        result.Error.ShouldNotContain(": error ");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_Strict_MakesTheWarningsErrors(string what, string template, string code)
    {
        using var stack = NewStack(template);

        var result = await stack.RunAsync("template", "validate", "--strict", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, $"{what}\n{result}");
        result.Error.ShouldContain($": error {code}: ");
        result.Error.ShouldNotContain(": warning ");
    }

    [Fact]
    public async Task Validate_NestedParameterWithoutValue_HintNamesParameterDefaults()
    {
        using var stack = NewStack(UsesNested);

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);

        var warning = result.Error.Split('\n').Where(l => l.Contains("HT301", StringComparison.Ordinal)).ShouldHaveSingleItem();
        warning.ShouldStartWith($"{Path.Combine(Path.GetDirectoryName(stack.TemplatePath)!, "nested.yaml")}:3:3: warning HT301: ");
        warning.ShouldContain("the parameter 'needed' of nested.yaml has no value");
        warning.ShouldContain("property 'needed' of resource 'n'");
        warning.ShouldContain("'parameter_defaults:'");
    }

    [Fact]
    public async Task Validate_NestedParameterFromParameterDefaults_HasNoDiagnostic()
    {
        using var stack = NewStack(UsesNested);
        var environment = stack.File("env.yaml", "parameter_defaults:\n  needed: given\n");

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath, "-e", environment);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_PropertyValueFromHiddenParameter_WarnsWithTheValueMasked()
    {
        using var stack = NewStack("""
            heat_template_version: 2021-04-16
            parameters:
              secret: {type: string, default: topsecret123, hidden: true}
            resources:
              r:
                type: OS::Heat::TestResource
                properties: {fail: {get_param: secret}}
            """);

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("warning HT503: property 'fail' of resource 'r': '******' is not a valid boolean");
        (result.Out + result.Error).ShouldNotContain("topsecret123");
    }

    [Theory]
    [InlineData(UsesNested, "HT301")]
    [InlineData(PropertyValue, "HT503")]
    public async Task Create_FindingHeatRefusesAtCreate_FailsBeforeAnythingIsRecorded(string template, string code)
    {
        using var stack = NewStack(template);

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain($": error {code}: ");
        (await stack.RunAsync("stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Create_OutputProblemsHeatNeverRefuses_CreatesTheStack()
    {
        using var stack = NewStack(OutputProblems);

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("the parameter 'nope' is not declared");
    }

    [Fact]
    public async Task Create_TemplateWithWarnings_CreatesAndPrintsTheWarningsOnStderrAsValidateDoes()
    {
        using var stack = NewStack(OutputProblems);
        var validate = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);
        var warnings = validate.Error.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToList();
        warnings.Count.ShouldBe(2, validate.ToString());

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ShouldBe(warnings);
        result.Out.ShouldNotContain("warning");
    }

    [Fact]
    public async Task Update_TemplateWithWarnings_PrintsTheWarningsOnStderr()
    {
        using var stack = NewStack(PropertyValue.Replace("eight", "8", StringComparison.Ordinal));
        (await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath)).ExitCode.ShouldBe(0);
        var changed = stack.File("changed.yaml", OutputProblems);

        var result = await stack.RunAsync("stack", "update", "demo", "-t", changed);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("changed.yaml:5:5: warning HT109: 'descripton' is not a valid key in output 'o'");
    }

    public static TheoryData<string[]> ExistingWithOverride() => new()
    {
        { new[] { "stack", "update", "demo", "--existing", "-P", "f=maybe" } },
        { new[] { "stack", "update", "demo", "--existing", "-P", "f=maybe", "--dry-run" } },
        { new[] { "stack", "preview", "demo", "--existing", "-P", "f=maybe" } },
    };

    [Theory]
    [MemberData(nameof(ExistingWithOverride))]
    public async Task UpdateExisting_OverrideHeatRefusesAtCreate_RefusedBeforeAnythingIsRecorded(string[] command)
    {
        using var stack = NewStack("""
            heat_template_version: 2021-04-16
            parameters:
              f: {type: string, default: "false"}
            resources:
              r:
                type: OS::Heat::TestResource
                properties: {fail: {get_param: f}}
            """);
        (await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath)).ExitCode.ShouldBe(0);
        var events = (await stack.RunAsync("stack", "event", "list", "demo", "-f", "json")).Out;

        var result = await stack.RunAsync(command);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain(": error HT503: property 'fail' of resource 'r': 'maybe' is not a valid boolean");
        (await stack.RunAsync("stack", "event", "list", "demo", "-f", "json")).Out.ShouldBe(events);
    }

    private const string ReadsConstrainedParameter = """
        heat_template_version: 2021-04-16
        parameters:
          name:
            type: string
            constraints: [{allowed_pattern: "[a-z]+", description: A name is lowercase letters.}]
          count: {type: number, default: 1}
        conditions:
          is_named: {not: {equals: [{get_param: name}, ""]}}
          many: {not: {equals: [{get_param: count}, 1]}}
        resources:
          r:
            type: OS::Heat::Value
            properties: {value: {get_param: name}}
          named:
            type: OS::Heat::None
            condition: is_named
          counted:
            type: OS::Heat::None
            condition: many
        outputs:
          o:
            value: {get_param: name}
        """;

    [Theory]
    [InlineData("stack create demo", "name=Bad1", "--parameter:1:1: error HT304: Parameter 'name' is invalid: A name is lowercase letters.")]
    [InlineData("stack create demo", "count=abc", "--parameter:1:2: error HT303: Parameter 'count' is invalid: could not convert string to float: 'abc'")]
    [InlineData("stack create demo", null, "TEMPLATE:3:3: error HT301: The Parameter (name) was not provided. Pass it with --parameter name=VALUE")]
    [InlineData("template validate", "name=Bad1", "--parameter:1:1: error HT304: Parameter 'name' is invalid: A name is lowercase letters.")]
    [InlineData("template validate", "count=abc", "--parameter:1:2: error HT303: Parameter 'count' is invalid: could not convert string to float: 'abc'")]
    [InlineData("template validate", null, "TEMPLATE:8:30: error HT301: The Parameter (name) was not provided, and the condition \"is_named\" needs it.")]
    public async Task CreateOrValidate_ParameterRefusedOrWithoutValue_OneErrorWhereGivenOrDeclaredNoneWhereItIsRead(string command, string? parameter, string error)
    {
        // Each read of the parameter (a property, a condition, an output) used to add "the parameter 'name' has no
        // value: pass it with --parameter", untrue for a value that was given; a condition that reads a refused value
        // added it at create and at validate even once the other reads did not. Validate, which asks for no value, says
        // a parameter has none only where a condition needs it.
        using var stack = NewStack(ReadsConstrainedParameter);
        string[] parameters = parameter switch
        {
            null => [],
            "count=abc" => ["--parameter", "name=ok", "--parameter", parameter],
            _ => ["--parameter", parameter],
        };

        var result = await stack.RunAsync([.. command.Split(' '), "-t", stack.TemplatePath, .. parameters]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).ShouldHaveSingleItem(result.ToString())
            .ShouldStartWith(error.Replace("TEMPLATE", stack.TemplatePath, StringComparison.Ordinal));
        // A refused --parameter value is the command line's error, not the template's.
        result.Error.ShouldEndWith(parameter is null ? "hearth: the template has 1 error\n" : "hearth: the --parameter values have 1 error\n");
        (await stack.RunAsync("stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task ValidateAndCreate_SameInvalidTemplate_SameLinesAndExitCode()
    {
        // validate ended with "template.yaml: 2 errors.", create with "hearth: the template has 2 error(s)".
        using var stack = NewStack("""
            heat_template_version: 2021-04-16
            resources:
              a:
                type: OS::Heat::None
                depends_on: [missing]
              b:
                type: OS::Heat::Value
                properties: {value: {get_resource: nothing}}
            outputs:
              o:
                value: 1
                descripton: typo
            """);

        var validate = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);
        var create = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        validate.ExitCode.ShouldBe(2, validate.ToString());
        create.ExitCode.ShouldBe(2, create.ToString());
        validate.Out.ShouldBeEmpty();
        validate.Error.ShouldBe(create.Error);
        var lines = create.Error.TrimEnd('\n').Split('\n');
        lines.Select(l => l.Contains(": error ", StringComparison.Ordinal) ? "error" : l.Contains(": warning ", StringComparison.Ordinal) ? "warning" : l)
            .ShouldBe(["error", "error", "warning", "hearth: the template has 2 errors"], create.Error);
    }

    [Fact]
    public async Task Validate_ShortHiddenValueInAMessage_MaskedWhereQuotedAndTheRestOfTheMessageIntact()
    {
        // The masker used to replace a hidden "e" everywhere in the message ("prop******rty").
        using var stack = NewStack("""
            heat_template_version: 2021-04-16
            parameters:
              secret: {type: string, default: e, hidden: true}
            resources:
              r:
                type: OS::Heat::RandomString
                properties: {length: {get_param: secret}}
            """);

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldEndWith(": warning HT503: property 'length' of resource 'r': '******' is not an integer\n");
    }

    private static CliStack NewStack(string template)
    {
        var stack = new CliStack(template);
        stack.File("nested.yaml", NeedsParameter);
        return stack;
    }
}
