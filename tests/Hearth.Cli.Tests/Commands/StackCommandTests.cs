using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hearth.Cli.Tests.Commands;

public sealed partial class StackCommandTests
{
    [GeneratedRegex(@"stack\.yaml:\d+:\d+: error HT\d{3}: ")]
    private static partial Regex DiagnosticLine();

    [Fact]
    public async Task Create_ValidTemplate_PrintsOutputsTableAndExits0()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("Output        Value");
        result.Out.ShouldContain("first_value   hello");
        result.Out.ShouldContain("second_value  hello!");
        result.Error.ShouldContain("first CREATE_IN_PROGRESS");
        result.Error.ShouldContain("Stack demo CREATE_COMPLETE: Stack CREATE completed successfully");
    }

    [Fact]
    public async Task Create_JsonFormat_PrintsTheStackWithHeatFieldNamesAsShowGivesIt()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath, "-P", "greeting=hi", "-f", "json");

        result.ExitCode.ShouldBe(0, result.ToString());
        var json = CliStack.Json(result);
        json.GetProperty("stack_name").GetString().ShouldBe("demo");
        json.GetProperty("stack_status").GetString().ShouldBe("CREATE_COMPLETE");
        json.GetProperty("stack_status_reason").GetString().ShouldBe("Stack CREATE completed successfully");
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        outputs.Select(o => o.GetProperty("output_key").GetString()).ShouldBe(["first_value", "second_value"]);
        outputs[0].GetProperty("output_value").GetString().ShouldBe("hi");
        outputs[0].GetProperty("description").GetString().ShouldBe("What first holds.");
        outputs[1].GetProperty("output_value").GetString().ShouldBe("hi!");
        // As stack show (and Heat's client after a create): the template's description and the parameters, hidden ones masked.
        json.GetProperty("description").GetString().ShouldBe("No description");
        json.GetProperty("parameters").GetProperty("greeting").GetString().ShouldBe("hi");
        json.GetProperty("parameters").GetProperty("secret").GetString().ShouldBe("******");
        result.Out.ShouldNotContain("TOPSECRET-7f3a9");
    }

    [Fact]
    public async Task Create_TemplateError_Exits2WithADiagnosticLine()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            resources:
              broken:
                type: OS::Heat::TestResource
                propertys: {value: x}
            """);

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, result.ToString());
        DiagnosticLine().IsMatch(result.Error).ShouldBeTrue(result.ToString());
        result.Error.ShouldContain("propertys");
        result.Out.ShouldBeEmpty();
        (await stack.RunAsync("stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Create_MissingTemplateFile_Exits2()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath + ".missing");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Create_UnknownOption_Exits2WithUsageHint()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath, "--no-such-option");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("Run 'hearth --help' for usage.");
    }

    [Fact]
    public async Task Create_ResourceFails_Exits1AfterRollback()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath, "-P", "fail=true");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("Stack demo ROLLBACK_COMPLETE");
        result.Error.ShouldContain("  failed: second: Test Resource failed second");
        result.Out.ShouldBeEmpty();
        var resources = await stack.RunAsync("stack", "resource", "list", "demo", "-f", "json");
        resources.Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Create_DisableRollback_Exits1AndLeavesCreateFailed()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath, "-P", "fail=true", "--disable-rollback");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("Stack demo CREATE_FAILED: second: Test Resource failed second");
        var show = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json"));
        show.GetProperty("stack_status").GetString().ShouldBe("CREATE_FAILED");
        show.GetProperty("disable_rollback").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Create_NameTaken_Exits2()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain($"hearth: a stack named 'demo' exists already: update it with 'hearth --state {stack.State} stack update demo', or pick another name");
    }

    [Fact]
    public async Task Create_DryRun_PrintsThePlanAndCreatesNothing()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath, "--dry-run");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("first     OS::Heat::TestResource  create  new resource");
        result.Error.ShouldContain("Plan for stack demo: 2 create");
        (await stack.RunAsync("stack", "show", "demo")).ExitCode.ShouldBe(4);
    }

    [Fact]
    public async Task Update_ChangedParameter_Exits0AndPrintsTheNewOutputs()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "update", "demo", "-t", stack.TemplatePath, "-P", "greeting=bye");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("second_value  bye!");
        result.Error.ShouldContain("first UPDATE_IN_PROGRESS property value changed");
        result.Error.ShouldContain("Stack demo UPDATE_COMPLETE: Stack UPDATE completed successfully");
    }

    [Fact]
    public async Task Update_ExistingWithParameter_ReusesTheStoredTemplate()
    {
        using var stack = new CliStack();
        await stack.CreateAsync("demo", "-P", "greeting=one");
        System.IO.File.WriteAllText(stack.TemplatePath, "not: a template");

        var result = await stack.RunAsync("stack", "update", "demo", "--existing", "-P", "greeting=two", "-f", "json");

        result.ExitCode.ShouldBe(0, result.ToString());
        var json = CliStack.Json(result);
        json.GetProperty("stack_status").GetString().ShouldBe("UPDATE_COMPLETE");
        json.GetProperty("outputs")[1].GetProperty("output_value").GetString().ShouldBe("two!");
    }

    [Fact]
    public async Task Update_FailingResource_Exits1AndRollsBack()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        var before = (await stack.RunAsync("stack", "resource", "list", "demo", "-f", "json")).Out;

        var result = await stack.RunAsync("stack", "update", "demo", "-t", stack.TemplatePath, "-P", "greeting=x", "-P", "fail=true");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("Stack demo ROLLBACK_COMPLETE");
        var after = CliStack.Json(await stack.RunAsync("stack", "resource", "list", "demo", "-f", "json"));
        using var original = JsonDocument.Parse(before);
        after.EnumerateArray().Select(r => r.GetProperty("physical_resource_id").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(original.RootElement.EnumerateArray().Select(r => r.GetProperty("physical_resource_id").GetString()).Order(StringComparer.Ordinal));
        (await stack.RunAsync("stack", "output", "show", "demo", "second_value")).Out.ShouldBe("hello!" + Environment.NewLine);
    }

    [Fact]
    public async Task Update_NeitherTemplateNorExisting_Exits2()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "update", "demo", "-P", "greeting=x");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--existing");
    }

    [Fact]
    public async Task Delete_ADeletionFails_SaysHowToTryAgain()
    {
        await using var stack = new Deployments.DeploymentStack("""
            heat_template_version: 2021-04-16
            resources:
              server:
                type: OS::Heat::DeployedServer
              config:
                type: OS::Heat::SoftwareConfig
                properties: {group: script, config: "#!/bin/sh\n[ \"$deploy_action\" != DELETE ] || exit 1\n"}
              work:
                type: OS::Heat::SoftwareDeployment
                properties: {config: {get_resource: config}, server: {get_resource: server}, actions: [CREATE, DELETE]}
            """);
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "delete", Deployments.DeploymentStack.Name, "--yes");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("Stack s DELETE_FAILED");
        result.Error.ShouldContain($"hearth: once what failed is fixed, 'hearth --state {stack.State} stack delete s' tries again (what was deleted stays deleted).");
    }

    [Fact]
    public async Task Update_UnknownStack_Exits4()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "update", "ghost", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldContain($"hearth: stack 'ghost' not found; 'hearth --state {stack.State} stack list' shows the stacks there are");
    }

    [Fact]
    public async Task Update_ImmutableParameterChanged_Exits2AndNamesIt()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            parameters:
              zone: {type: string, immutable: true}
            resources:
              r: {type: OS::Heat::None}
            """);
        await stack.CreateAsync("demo", "-P", "zone=a");

        var result = await stack.RunAsync("stack", "update", "demo", "--existing", "-P", "zone=b");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("immutable and may not be updated: zone");
    }

    [Fact]
    public async Task Update_DryRun_PrintsThePlanAndChangesNothing()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        var events = (await stack.RunAsync("stack", "event", "list", "demo")).Out;

        var result = await stack.RunAsync("stack", "update", "demo", "-t", stack.TemplatePath, "-P", "greeting=x", "--dry-run");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("first     OS::Heat::TestResource  update  property value changed");
        result.Out.ShouldContain("second    OS::Heat::TestResource  update  property value may change (known after apply)");
        (await stack.RunAsync("stack", "event", "list", "demo")).Out.ShouldBe(events);
    }

    [Fact]
    public async Task Preview_Json_ListsActionsReasonsAndKnownAfterApply()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "preview", "demo", "--existing", "-P", "greeting=x", "-f", "json");

        result.ExitCode.ShouldBe(0, result.ToString());
        var json = CliStack.Json(result);
        json.GetProperty("stack_name").GetString().ShouldBe("demo");
        var rows = json.GetProperty("resources").EnumerateArray().ToDictionary(r => r.GetProperty("resource_name").GetString() ?? "");
        rows["first"].GetProperty("action").GetString().ShouldBe("update");
        rows["first"].GetProperty("reason").GetString().ShouldBe("property value changed");
        rows["first"].GetProperty("changed_properties")[0].GetString().ShouldBe("value");
        rows["first"].GetProperty("known_after_apply").GetBoolean().ShouldBeFalse();
        rows["second"].GetProperty("known_after_apply").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Preview_UnchangedStack_ListsEveryResourceUnchanged()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "preview", "demo", "-t", stack.TemplatePath);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldContain("first     OS::Heat::TestResource  unchanged");
        result.Error.ShouldContain("Plan for stack demo: 2 unchanged");
    }

    [Fact]
    public async Task Delete_Stack_Exits0AndTheStackIsGone()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "delete", "demo", "--yes");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("second DELETE_COMPLETE");
        result.Error.ShouldContain("Stack demo deleted.");
        (await stack.RunAsync("stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
        (await stack.RunAsync("stack", "show", "demo")).ExitCode.ShouldBe(4);
    }

    [Fact]
    public async Task Delete_UnknownStack_Exits4()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "delete", "ghost", "-y");

        result.ExitCode.ShouldBe(4, result.ToString());
    }

    [Fact]
    public async Task List_Stacks_PrintsTableJsonAndYaml()
    {
        using var stack = new CliStack();
        await stack.CreateAsync("beta");
        await stack.CreateAsync("alpha");

        var table = await stack.RunAsync("stack", "list");
        var json = await stack.RunAsync("stack", "list", "-f", "json");
        var yaml = await stack.RunAsync("stack", "list", "-f", "yaml");

        table.ExitCode.ShouldBe(0);
        var lines = table.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("Stack Name  Stack Status     Creation Time");
        lines[2].ShouldStartWith("alpha       CREATE_COMPLETE");
        lines[3].ShouldStartWith("beta        CREATE_COMPLETE");
        CliStack.Json(json).EnumerateArray().Select(s => s.GetProperty("stack_name").GetString()).ShouldBe(["alpha", "beta"]);
        CliStack.Json(json)[0].TryGetProperty("parameters", out _).ShouldBeFalse();
        yaml.Out.ShouldContain("- id: ");
        yaml.Out.ShouldContain("  stack_name: alpha");
        yaml.Out.ShouldContain("  stack_status: CREATE_COMPLETE");
    }

    [Fact]
    public async Task Show_HiddenParameter_IsNeverPrinted()
    {
        using var stack = new CliStack();
        var create = await stack.CreateAsync();
        create.ToString().ShouldNotContain(CliStack.Secret);

        foreach (var format in new[] { "table", "json", "yaml" })
        {
            var result = await stack.RunAsync("stack", "show", "demo", "-f", format);

            result.ExitCode.ShouldBe(0, result.ToString());
            result.Out.ShouldContain("greeting");
            result.Out.ShouldContain("secret");
            (result.Out + result.Error).ShouldNotContain(CliStack.Secret);
        }

        var parameters = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json")).GetProperty("parameters");
        parameters.GetProperty("greeting").GetString().ShouldBe("hello");
        parameters.GetProperty("secret").GetString().ShouldBe("******");
    }

    [Fact]
    public async Task Show_Stack_PrintsStatusParametersAndOutputs()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var table = await stack.RunAsync("stack", "show", "demo");
        var json = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json"));

        table.Out.ShouldContain("stack_status         CREATE_COMPLETE");
        table.Out.ShouldContain("stack_name           demo");
        json.GetProperty("stack_status_reason").GetString().ShouldBe("Stack CREATE completed successfully");
        json.GetProperty("outputs")[0].GetProperty("output_key").GetString().ShouldBe("first_value");
        json.GetProperty("outputs")[0].GetProperty("output_value").GetString().ShouldBe("hello");
    }

    [Fact]
    public async Task Show_UnknownStack_Exits4()
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", "show", "ghost");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldContain("stack 'ghost' not found");
    }

    [Theory]
    [InlineData("resume")]
    [InlineData("cancel")]
    public async Task ResumeOrCancel_StackNotInterrupted_Exits2AndSaysSo(string command)
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", command, "demo");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("stack 'demo' is CREATE_COMPLETE: there is no interrupted operation to resume or cancel");
    }

    [Theory]
    [InlineData("resume")]
    [InlineData("cancel")]
    public async Task ResumeOrCancel_UnknownStack_Exits4(string command)
    {
        using var stack = new CliStack();

        var result = await stack.RunAsync("stack", command, "ghost");

        result.ExitCode.ShouldBe(4, result.ToString());
    }

    [Fact]
    public async Task Graph_Dot_PrintsNodesAndDependencyEdges()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "graph", "demo");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldStartWith("digraph \"demo\" {");
        result.Out.ShouldContain("\"first\" [label=\"first\\nOS::Heat::TestResource\\nCREATE_COMPLETE\"];");
        result.Out.ShouldContain("\"second\" -> \"first\";");
        result.Out.TrimEnd().ShouldEndWith("}");
    }

    [Fact]
    public async Task Graph_Mermaid_PrintsNodesAndDependencyEdges()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "graph", "demo", "--format", "mermaid");

        result.ExitCode.ShouldBe(0, result.ToString());
        var lines = result.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("graph LR");
        lines.ShouldContain("  r0[\"first<br/>OS::Heat::TestResource<br/>CREATE_COMPLETE\"]");
        lines.ShouldContain("  r1 --> r0");
    }

    [Fact]
    public async Task Graph_UnknownFormat_Exits2()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "graph", "demo", "--format", "png");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldStartWith("hearth: 'png' is not a graph format for --format; use dot or mermaid\n");
    }

    [Fact]
    public async Task Graph_ShortFormatOptionInAnyCase_PrintsMermaid()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "graph", "demo", "-f", "Mermaid");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Out.ShouldStartWith("graph LR");
    }

    [Fact]
    public async Task Delete_OnATerminalStackUnknown_Exits4WithoutAsking()
    {
        using var stack = new CliStack();

        var result = await CliRunner.RunOnTerminalAsync("y\n", "--state", stack.State, "stack", "delete", "nosuch");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldNotContain("[y/N]");
    }

    [Theory]
    [InlineData("n\n", true)]
    [InlineData("", true)]
    [InlineData("y\n", false)]
    public async Task Delete_OnATerminal_AsksAndDeletesOnlyOnYes(string typed, bool kept)
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await CliRunner.RunOnTerminalAsync(typed, "--state", stack.State, "stack", "delete", "demo");
        var list = await stack.RunAsync("stack", "list", "-f", "json");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("Delete stack 'demo' and all its resources? [y/N] ");
        CliStack.Json(list).GetArrayLength().ShouldBe(kept ? 1 : 0, list.ToString());
        if (kept)
        {
            result.Error.ShouldContain("Not deleted.");
        }
    }
}
