using System.Text.RegularExpressions;

namespace Hearth.Cli.Tests.Commands;

public sealed partial class ReadCommandTests
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(?<name>[^\]]+)\]: (?<status>[A-Z_]+)")]
    private static partial Regex EventLine();

    [Fact]
    public async Task StackShowJson_UpdatedTime_NullUntilTheFirstUpdateAsHeatShowsIt()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var created = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json"));
        (await stack.RunAsync("stack", "update", "demo", "--existing")).ExitCode.ShouldBe(0);
        var updated = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json"));

        created.GetProperty("updated_time").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        created.GetProperty("creation_time").GetString().ShouldNotBeNullOrEmpty();
        updated.GetProperty("stack_status").GetString().ShouldBe("UPDATE_COMPLETE");
        updated.GetProperty("updated_time").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task StackShow_Description_IsTheTemplatesAsHeatShowsIt()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            description: A stack that says what it is for.
            resources:
              n: {type: OS::Heat::None}
            """);
        await stack.CreateAsync();

        var json = CliStack.Json(await stack.RunAsync("stack", "show", "demo", "-f", "json"));
        var table = await stack.RunAsync("stack", "show", "demo");

        json.GetProperty("description").GetString().ShouldBe("A stack that says what it is for.");
        table.Out.Split('\n').ShouldContain(l => l.StartsWith("description ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" A stack that says what it is for.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OutputList_Stack_PrintsKeysAndDescriptionsWithoutValues()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var table = await stack.RunAsync("stack", "output", "list", "demo");
        var json = await stack.RunAsync("stack", "output", "list", "demo", "-f", "json");

        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("first_value   What first holds.");
        var outputs = CliStack.Json(json).EnumerateArray().ToList();
        outputs.Select(o => o.GetProperty("output_key").GetString()).ShouldBe(["first_value", "second_value"]);
        outputs.Count(o => o.TryGetProperty("output_value", out var _)).ShouldBe(0);
    }

    [Fact]
    public async Task OutputShow_OneOutput_PrintsItsValue()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var plain = await stack.RunAsync("stack", "output", "show", "demo", "second_value");
        var json = CliStack.Json(await stack.RunAsync("stack", "output", "show", "demo", "second_value", "-f", "json"));

        plain.ExitCode.ShouldBe(0, plain.ToString());
        plain.Out.ShouldBe("hello!" + Environment.NewLine);
        json.GetProperty("output_key").GetString().ShouldBe("second_value");
        json.GetProperty("output_value").GetString().ShouldBe("hello!");
    }

    [Fact]
    public async Task OutputShow_All_PrintsEveryOutput()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var table = await stack.RunAsync("stack", "output", "show", "demo", "--all");
        var yaml = await stack.RunAsync("stack", "output", "show", "demo", "--all", "-f", "yaml");

        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("first_value   hello");
        table.Out.ShouldContain("second_value  hello!");
        yaml.Out.ShouldContain("- output_key: first_value");
        yaml.Out.ShouldContain("  output_value: hello!");
    }

    [Fact]
    public async Task OutputShow_UnknownOutput_Exits4AndListsTheOutputs()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "output", "show", "demo", "nope");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldContain("stack 'demo' has no output 'nope'; outputs: first_value, second_value");
    }

    [Fact]
    public async Task OutputShow_NeitherKeyNorAll_Exits2()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "output", "show", "demo");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--all");
    }

    [Fact]
    public async Task OutputList_UnknownStack_Exits4()
    {
        using var stack = new CliStack();

        (await stack.RunAsync("stack", "output", "list", "ghost")).ExitCode.ShouldBe(4);
    }

    [Fact]
    public async Task ResourceList_Stack_PrintsTableAndHeatFields()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var table = await stack.RunAsync("stack", "resource", "list", "demo");
        var json = CliStack.Json(await stack.RunAsync("stack", "resource", "list", "demo", "-f", "json"));

        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldStartWith("Resource Name  Physical ID");
        table.Out.ShouldContain("OS::Heat::TestResource  CREATE_COMPLETE");
        var resources = json.EnumerateArray().ToDictionary(r => r.GetProperty("resource_name").GetString() ?? "");
        resources.Keys.Order(StringComparer.Ordinal).ShouldBe(["first", "second"]);
        resources["first"].GetProperty("resource_type").GetString().ShouldBe("OS::Heat::TestResource");
        resources["first"].GetProperty("resource_status").GetString().ShouldBe("CREATE_COMPLETE");
        resources["first"].GetProperty("resource_status_reason").GetString().ShouldBe("state changed");
        resources["first"].GetProperty("physical_resource_id").GetString().ShouldStartWith("demo-first-");
    }

    [Fact]
    public async Task ResourceShow_Resource_PrintsPropertiesAttributesAndRequiredBy()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var json = CliStack.Json(await stack.RunAsync("stack", "resource", "show", "demo", "first", "-f", "json"));
        var table = await stack.RunAsync("stack", "resource", "show", "demo", "second");

        json.GetProperty("resource_name").GetString().ShouldBe("first");
        json.GetProperty("properties").GetProperty("value").GetString().ShouldBe("hello");
        json.GetProperty("attributes").GetProperty("output").GetString().ShouldBe("hello");
        json.GetProperty("required_by")[0].GetString().ShouldBe("second");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.ShouldContain("resource_status         CREATE_COMPLETE");
    }

    [Fact]
    public async Task ResourceShow_UnknownResource_Exits4()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "resource", "show", "demo", "nope");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldContain("stack 'demo' has no resource 'nope'");
    }

    [Fact]
    public async Task EventList_Stack_PrintsOneLinePerEventOldestFirst()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var result = await stack.RunAsync("stack", "event", "list", "demo");

        result.ExitCode.ShouldBe(0, result.ToString());
        var lines = result.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(l => EventLine().Match(l))
            .Select(m => m.Success ? $"{m.Groups["name"].Value} {m.Groups["status"].Value}" : "unparsed")
            .ToList();
        lines.ShouldBe(
        [
            "demo CREATE_IN_PROGRESS",
            "first CREATE_IN_PROGRESS", "first CREATE_COMPLETE",
            "second CREATE_IN_PROGRESS", "second CREATE_COMPLETE",
            "demo CREATE_COMPLETE",
        ]);
    }

    [Fact]
    public async Task EventList_Json_UsesHeatFieldNames()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        var json = CliStack.Json(await stack.RunAsync("stack", "event", "list", "demo", "-f", "json"));

        var events = json.EnumerateArray().ToList();
        events.Count.ShouldBe(6);
        var first = events[1];
        Guid.TryParse(first.GetProperty("id").GetString(), out _).ShouldBeTrue();
        first.GetProperty("resource_name").GetString().ShouldBe("first");
        first.GetProperty("resource_status").GetString().ShouldBe("CREATE_IN_PROGRESS");
        first.GetProperty("resource_status_reason").GetString().ShouldBe("state changed");
        (first.GetProperty("event_time").GetString() ?? "").ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
        events.Select(e => e.GetProperty("sequence").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task EventList_UnknownStack_Exits4()
    {
        using var stack = new CliStack();

        (await stack.RunAsync("stack", "event", "list", "ghost")).ExitCode.ShouldBe(4);
    }
}
