using System.Text.Json.Nodes;

namespace Hearth.Cli.Tests.Commands;

/// <summary>Breakpoints: a pre-update hook holds one resource and its dependents while the rest of the update goes on, until another command clears it.</summary>
public sealed class HookCommandTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: a}
        resources:
          first: {type: OS::Heat::TestResource, properties: {value: {get_param: v}}}
          second: {type: OS::Heat::TestResource, properties: {value: {get_attr: [first, output]}}}
          other: {type: OS::Heat::TestResource, properties: {value: {get_param: v}}}
        outputs:
          second: {value: {get_attr: [second, output]}}
        """;

    private const string Environment = """
        resource_registry:
          resources:
            first:
              hooks: [pre-update]
        """;

    [Fact]
    public async Task Update_PreUpdateHook_HoldsResourceAndDependentsUntilCleared()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        var environment = temp.File("env.yaml", Environment);
        (await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "h", "-t", template, "-e", environment)).ExitCode.ShouldBe(0);

        var update = CliRunner.RunAsync("--state", temp.Path, "stack", "update", "h", "-t", template, "-e", environment, "--parameter", "v=b");
        var paused = await WaitForHookAsync(temp.Path);
        paused["resource_name"]!.GetValue<string>().ShouldBe("first");
        paused["hook"]!.GetValue<string>().ShouldBe("pre-update");

        // While held: the independent resource is updated, the held one and its dependent are not.
        var events = await CliRunner.RunAsync("--state", temp.Path, "stack", "event", "list", "h", "-f", "json");
        var updated = JsonNode.Parse(events.Out)!.AsArray()
            .Where(e => (string?)e!["resource_status"] == "UPDATE_COMPLETE").Select(e => (string?)e!["resource_name"]).ToList();
        updated.ShouldNotContain("first");
        updated.ShouldNotContain("second");
        update.IsCompleted.ShouldBeFalse();

        var clear = await CliRunner.RunAsync("--state", temp.Path, "stack", "hook", "clear", "h", "first");
        clear.ExitCode.ShouldBe(0, clear.ToString());
        var result = await update;

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("first UPDATE_IN_PROGRESS UPDATE paused until Hook pre-update is cleared");
        result.Error.ShouldContain("first UPDATE_IN_PROGRESS Hook pre-update is cleared");
        (await CliRunner.RunAsync("--state", temp.Path, "stack", "output", "show", "h", "second")).Out.Trim().ShouldBe("b");
        (await CliRunner.RunAsync("--state", temp.Path, "stack", "hook", "list", "h", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task HookClear_ResourceNotWaiting_ExplainsAndFails()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        (await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "h", "-t", template)).ExitCode.ShouldBe(0);

        var clear = await CliRunner.RunAsync("--state", temp.Path, "stack", "hook", "clear", "h", "first");

        clear.ExitCode.ShouldBe(2);
        clear.Error.ShouldContain($"hearth: resource 'first' of stack 'h' is not waiting at a hook ('hearth --state {temp.Path} stack hook list h' shows those that are)");
    }

    private static async Task<JsonNode> WaitForHookAsync(string state)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var list = await CliRunner.RunAsync("--state", state, "stack", "hook", "list", "h", "-f", "json");
            if (list.ExitCode == 0 && JsonNode.Parse(list.Out) is JsonArray { Count: > 0 } hooks)
            {
                return hooks[0]!;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the update never paused at its hook");
    }
}
