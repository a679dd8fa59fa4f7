using System.Text.Json;
using Hearth.Cli.Tests.Commands;
using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The real program, killed with SIGKILL mid-update and then resumed or cancelled, and two real programs racing
/// on one stack. Waits are bounded; nothing asserts how long anything took.
/// </summary>
public sealed class RealProcessTests
{
    // base is replaced on an update of v; slow_a (which reads base) and slow_b then update, waiting 'wait' seconds.
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
          wait: {type: number, default: 0}
        resources:
          base:
            type: OS::Heat::TestResource
            properties: {value: {get_param: v}, update_replace: true}
          slow_a:
            type: OS::Heat::TestResource
            properties:
              value: {get_attr: [base, output]}
              action_wait_secs: {update: {get_param: wait}}
          slow_b:
            type: OS::Heat::TestResource
            properties:
              value: {get_param: v}
              action_wait_secs: {update: {get_param: wait}}
        outputs:
          base_id: {value: {get_resource: base}}
          a_value: {value: {get_attr: [slow_a, output]}}
          b_value: {value: {get_attr: [slow_b, output]}}
        """;

    [Fact]
    public async Task Resume_AfterSigkillMidUpdate_CompletesTheUpdate()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("s");
        var before = await ResourcesAsync(stack);

        await InterruptUpdateAsync(stack);
        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "resume", "s");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("Stack s UPDATE_COMPLETE");
        (await StatusAsync(stack)).ShouldBe("UPDATE_COMPLETE");
        var after = await ResourcesAsync(stack);
        after.Values.ShouldAllBe(r => r.Status.EndsWith("_COMPLETE", StringComparison.Ordinal));
        after["base"].Id.ShouldNotBe(before["base"].Id);
        after["slow_a"].Id.ShouldBe(before["slow_a"].Id);
        after["slow_b"].Id.ShouldBe(before["slow_b"].Id);
        var outputs = await OutputsAsync(stack);
        outputs["base_id"].ShouldBe(after["base"].Id);
        outputs["a_value"].ShouldBe("two");
        outputs["b_value"].ShouldBe("two");
        await ShouldHaveOnlySettledRowsAsync(stack, 3);
    }

    [Fact]
    public async Task Cancel_AfterSigkillMidUpdate_RollsBackToThePreviousState()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("s");
        var before = await ResourcesAsync(stack);
        var outputsBefore = await OutputsAsync(stack);

        await InterruptUpdateAsync(stack);
        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "cancel", "s");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("Stack s ROLLBACK_COMPLETE");
        (await StatusAsync(stack)).ShouldBe("ROLLBACK_COMPLETE");
        var after = await ResourcesAsync(stack);
        after.Keys.Order(StringComparer.Ordinal).ShouldBe(["base", "slow_a", "slow_b"]);
        after.Select(kv => $"{kv.Key} {kv.Value.Id}").Order(StringComparer.Ordinal)
            .ShouldBe(before.Select(kv => $"{kv.Key} {kv.Value.Id}").Order(StringComparer.Ordinal));
        after.Values.ShouldAllBe(r => r.Status.EndsWith("_COMPLETE", StringComparison.Ordinal));
        (await OutputsAsync(stack)).ShouldBe(outputsBefore);
        await ShouldHaveOnlySettledRowsAsync(stack, 3);
    }

    [Fact]
    public async Task Update_TwoProcessesRacing_OneWinsAndTheOtherExits3NamingIt()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("s");

        using var first = HearthProcess.Start("--state", stack.State, "stack", "update", "s", "-t", stack.TemplatePath, "-P", "v=two", "-P", "wait=5");
        using var second = HearthProcess.Start("--state", stack.State, "stack", "update", "s", "-t", stack.TemplatePath, "-P", "v=three", "-P", "wait=5");
        var results = new[] { (Process: first, Result: await first.WaitAsync()), (Process: second, Result: await second.WaitAsync()) };

        var winners = results.Where(r => r.Result.ExitCode == 0).ToList();
        var losers = results.Where(r => r.Result.ExitCode != 0).ToList();
        winners.Count.ShouldBe(1, string.Join("\n", results.Select(r => r.Result.ToString())));
        var loser = losers.ShouldHaveSingleItem().Result;
        loser.ExitCode.ShouldBe(3, loser.ToString());
        loser.Error.ShouldContain($"stack 's' is busy: 'update' is running in process {winners[0].Process.Id} on ");
        (await StatusAsync(stack)).ShouldBe("UPDATE_COMPLETE");
        var value = winners[0].Process == first ? "two" : "three";
        (await OutputsAsync(stack))["b_value"].ShouldBe(value);
        await ShouldHaveOnlySettledRowsAsync(stack, 3);
    }

    /// <summary>
    /// Starts an update that waits in two resources, SIGKILLs it once the event log shows one of them in progress,
    /// and checks what the next commands see: an interrupted stack that refuses a plain update.
    /// </summary>
    [Fact]
    public async Task Resume_AfterSigkillMidDelete_FinishesTheDeleteAndRemovesTheStack()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            resources:
              slow: {type: OS::Heat::TestResource, properties: {value: x, action_wait_secs: {delete: 8}}}
              quick: {type: OS::Heat::TestResource, properties: {value: y}}
            """);
        await stack.CreateAsync("s");
        using var delete = HearthProcess.Start("--state", stack.State, "stack", "delete", "s", "--yes");
        await HearthProcess.WaitUntilAsync(async () =>
        {
            delete.HasExited.ShouldBeFalse("the delete ended before it could be killed");
            var events = CliStack.Json(await stack.RunAsync("stack", "event", "list", "s", "-f", "json"));
            return events.EnumerateArray().Any(e =>
                e.GetProperty("resource_name").GetString() == "slow" && e.GetProperty("resource_status").GetString() == "DELETE_IN_PROGRESS");
        });
        (await delete.KillAsync()).ExitCode.ShouldNotBe(0);
        (await StatusAsync(stack)).ShouldBe("DELETE_IN_PROGRESS");

        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "resume", "s");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldContain("s DELETE_COMPLETE Stack DELETE completed successfully");
        result.Error.ShouldContain("Stack s deleted.");
        var show = await HearthProcess.RunAsync("--state", stack.State, "stack", "show", "s");
        show.ExitCode.ShouldNotBe(0);
        show.Error.ShouldContain("not found");
        var list = await HearthProcess.RunAsync("--state", stack.State, "stack", "list", "-f", "json");
        CliStack.Json(list).GetArrayLength().ShouldBe(0);
    }

    private static async Task InterruptUpdateAsync(CliStack stack)
    {
        using var update = HearthProcess.Start("--state", stack.State, "stack", "update", "s", "-t", stack.TemplatePath, "-P", "v=two", "-P", "wait=8");
        await HearthProcess.WaitUntilAsync(async () =>
        {
            update.HasExited.ShouldBeFalse("the update ended before it could be killed");
            var events = CliStack.Json(await stack.RunAsync("stack", "event", "list", "s", "-f", "json"));
            return events.EnumerateArray().Any(e =>
                e.GetProperty("resource_name").GetString() is "slow_a" or "slow_b"
                && e.GetProperty("resource_status").GetString() == "UPDATE_IN_PROGRESS");
        });
        var killed = await update.KillAsync();
        killed.ExitCode.ShouldNotBe(0);

        var show = await HearthProcess.RunAsync("--state", stack.State, "stack", "show", "s");
        show.ExitCode.ShouldBe(0, show.ToString());
        show.Out.ShouldContain("UPDATE_IN_PROGRESS (interrupted)");
        (await StatusAsync(stack)).ShouldBe("UPDATE_IN_PROGRESS");

        var refused = await HearthProcess.RunAsync("--state", stack.State, "stack", "update", "s", "-t", stack.TemplatePath, "-P", "v=three");
        refused.ExitCode.ShouldBe(3, refused.ToString());
        refused.Error.ShouldContain(
            $"hearth: stack 's' was interrupted during UPDATE (the process running it died): run 'hearth --state {stack.State} stack resume s' to finish it or 'hearth --state {stack.State} stack cancel s' to roll it back");
        (await StatusAsync(stack)).ShouldBe("UPDATE_IN_PROGRESS");
    }

    private static async Task<string?> StatusAsync(CliStack stack)
    {
        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "show", "s", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).GetProperty("stack_status").GetString();
    }

    private static async Task<Dictionary<string, (string? Id, string Status)>> ResourcesAsync(CliStack stack)
    {
        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "resource", "list", "s", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).EnumerateArray().ToDictionary(
            r => r.GetProperty("resource_name").GetString() ?? "",
            r => (r.GetProperty("physical_resource_id").GetString(), r.GetProperty("resource_status").GetString() ?? ""));
    }

    private static async Task<Dictionary<string, string?>> OutputsAsync(CliStack stack)
    {
        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "output", "show", "s", "--all", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).EnumerateArray().ToDictionary(
            o => o.GetProperty("output_key").GetString() ?? "",
            o => o.GetProperty("output_value").ValueKind == JsonValueKind.String ? o.GetProperty("output_value").GetString() : o.GetProperty("output_value").ToString());
    }

    /// <summary>Every row in the store, current or not: none left in progress or failed, and no stray instance.</summary>
    private static async Task ShouldHaveOnlySettledRowsAsync(CliStack stack, int expectedRows)
    {
        await using var store = await SqliteStateStore.OpenAsync(stack.State, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var record = await store.GetStackByNameAsync("s", CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        record.ShouldNotBeNull();
        record.Status.ShouldBe(OperationStatus.Complete);
        (await store.GetLockHolderAsync(record.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout)).ShouldBeNull();
        var rows = await store.ListResourcesAsync(record.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        rows.Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)} current={r.IsCurrent}")
            .ShouldAllBe(line => line.Contains("_COMPLETE current=True"));
        rows.Count.ShouldBe(expectedRows);
    }
}
