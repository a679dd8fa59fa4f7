using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM sent to the real program at the points docs/engine.md promises to handle: the first
/// stops the operation and rolls it back (exit 1), a second ends the process at once (exit 3), leaving the stack
/// interrupted for <c>stack cancel</c>. Never an internal error or a stack trace.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StopSignalTests
{
    private const string WaitConditionTemplate = """
        heat_template_version: 2021-04-16
        resources:
          quick: {type: OS::Heat::TestResource, properties: {value: y}}
          handle: {type: OS::Heat::WaitConditionHandle}
          wait:
            type: OS::Heat::WaitCondition
            properties: {handle: {get_resource: handle}, timeout: 600}
        """;

    // The rollback's delete of 'slow' takes long enough for a second signal to land in it.
    private const string SlowTemplate = """
        heat_template_version: 2021-04-16
        resources:
          quick: {type: OS::Heat::TestResource, properties: {value: y}}
          slow: {type: OS::Heat::TestResource, properties: {value: x, action_wait_secs: {create: 600, delete: 8}}}
        """;

    [Theory]
    [InlineData("INT", "Ctrl+C")]
    [InlineData("TERM", "SIGTERM")]
    public async Task Create_SignalWhileWaitConditionWaits_RollsBackAndExits1(string signal, string said)
    {
        using var stack = new CliStack(WaitConditionTemplate);
        using var create = HearthProcess.Start("--state", stack.State, "stack", "create", "s", "-t", stack.TemplatePath);
        await HearthProcess.WaitUntilAsync(() => EventSeenAsync(stack, create, "wait", "CREATE_IN_PROGRESS"));

        await create.SignalAsync(signal);
        var result = await create.WaitAsync();

        result.ExitCode.ShouldBe(1, result.ToString());
        ShouldBeAClearStop(result, said);
        result.Error.ShouldContain("wait CREATE_FAILED stopped: the operation was cancelled by the user");
        result.Error.ShouldContain("Stack s ROLLBACK_COMPLETE");
        (await StatusAsync(stack)).ShouldBe("ROLLBACK_COMPLETE");
        (await ResourceCountAsync(stack)).ShouldBe(0);
    }

    [Theory]
    [InlineData("INT", "Ctrl+C")]
    [InlineData("TERM", "SIGTERM")]
    public async Task Create_SignalWhilePausedAtHook_RollsBackAndNoHookIsLeftPending(string signal, string said)
    {
        using var stack = new CliStack(SlowTemplate.Replace("create: 600", "create: 0", StringComparison.Ordinal));
        var environment = stack.File("hooks.yaml", "resource_registry:\n  resources:\n    slow:\n      hooks: [pre-create]\n");
        using var create = HearthProcess.Start("--state", stack.State, "stack", "create", "s", "-t", stack.TemplatePath, "-e", environment);
        await HearthProcess.WaitUntilAsync(async () =>
        {
            create.HasExited.ShouldBeFalse("the create ended before the signal");
            var hooks = await stack.RunAsync("stack", "hook", "list", "s", "-f", "json");
            return hooks.ExitCode == 0 && CliStack.Json(hooks).GetArrayLength() == 1;
        });

        await create.SignalAsync(signal);
        var result = await create.WaitAsync();

        result.ExitCode.ShouldBe(1, result.ToString());
        ShouldBeAClearStop(result, said);
        result.Error.ShouldContain("slow CREATE_FAILED stopped while paused at Hook pre-create: the operation was cancelled by the user");
        (await StatusAsync(stack)).ShouldBe("ROLLBACK_COMPLETE");
        (await ResourceCountAsync(stack)).ShouldBe(0);
        var hooks = await stack.RunAsync("stack", "hook", "list", "s", "-f", "json");
        CliStack.Json(hooks).GetArrayLength().ShouldBe(0, hooks.ToString());
    }

    [Theory]
    [InlineData("INT", "INT", "Ctrl+C")]
    [InlineData("TERM", "INT", "Ctrl+C")]
    [InlineData("TERM", "TERM", "SIGTERM")]
    public async Task Create_SecondSignalDuringRollback_Exits3AndLeavesTheStackInterruptedForCancel(string first, string second, string saidSecond)
    {
        using var stack = new CliStack(SlowTemplate);
        using var create = HearthProcess.Start("--state", stack.State, "stack", "create", "s", "-t", stack.TemplatePath);
        await HearthProcess.WaitUntilAsync(() => EventSeenAsync(stack, create, "slow", "CREATE_IN_PROGRESS"));
        await create.SignalAsync(first);
        await HearthProcess.WaitUntilAsync(() => EventSeenAsync(stack, create, "slow", "DELETE_IN_PROGRESS"));

        await create.SignalAsync(second);
        var result = await create.WaitAsync();

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Error.ShouldNotContain("internal error");
        result.Error.ShouldNotContain("   at ");
        result.Error.ShouldContain($"hearth: {saidSecond} received again: ended at once");
        result.Error.ShouldContain($"'hearth --state {stack.State} stack cancel s' rolls it back");
        var show = await HearthProcess.RunAsync("--state", stack.State, "stack", "show", "s");
        show.Out.ShouldContain("ROLLBACK_IN_PROGRESS (interrupted)");

        var cancel = await HearthProcess.RunAsync("--state", stack.State, "stack", "cancel", "s");

        cancel.ExitCode.ShouldBe(0, cancel.ToString());
        (await StatusAsync(stack)).ShouldBe("ROLLBACK_COMPLETE");
        (await ResourceCountAsync(stack)).ShouldBe(0);
    }

    private static void ShouldBeAClearStop(CliResult result, string said)
    {
        result.Error.ShouldNotContain("internal error");
        result.Error.ShouldNotContain("   at ");
        result.Error.ShouldContain($"hearth: {said} received: stopping");
    }

    private static async Task<bool> EventSeenAsync(CliStack stack, HearthProcess process, string resource, string status)
    {
        process.HasExited.ShouldBeFalse($"the operation ended before {resource} was {status}");
        var events = await stack.RunAsync("stack", "event", "list", "s", "-f", "json");
        return events.ExitCode == 0 && CliStack.Json(events).EnumerateArray().Any(e =>
            e.GetProperty("resource_name").GetString() == resource && e.GetProperty("resource_status").GetString() == status);
    }

    private static async Task<string?> StatusAsync(CliStack stack)
    {
        var result = await stack.RunAsync("stack", "show", "s", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).GetProperty("stack_status").GetString();
    }

    private static async Task<int> ResourceCountAsync(CliStack stack)
    {
        var result = await stack.RunAsync("stack", "resource", "list", "s", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).GetArrayLength();
    }
}
