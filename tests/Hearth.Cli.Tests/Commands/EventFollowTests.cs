using System.Text.Json.Nodes;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// <c>stack event list --follow</c> reads the engine's event feed: every event once, in order, ending when the stack's
/// operation ends; <c>--after</c> resumes exactly where a reader stopped. Each command opens the state on its own, as
/// separate processes do.
/// </summary>
public sealed class EventFollowTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: a}
        resources:
          first: {type: OS::Heat::TestResource, properties: {value: {get_param: v}}}
          second: {type: OS::Heat::TestResource, properties: {value: {get_attr: [first, output]}}}
          other: {type: OS::Heat::TestResource, properties: {value: {get_param: v}}}
        """;

    private const string HookOnSecond = """
        resource_registry:
          resources:
            second:
              hooks: [pre-create]
        """;

    [Fact]
    public async Task EventListFollow_StartedBeforeUpdate_PrintsEveryEventOnceInOrderAndEndsWithTheUpdate()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("f");
        var created = await AllEventsAsync(stack);
        using var follower = RunningCli.Start("--state", stack.State, "stack", "event", "list", "f", "--follow", "-f", "json");
        await Poll.UntilAsync(() => follower.Lines.Count == created.Count, "the follower replayed the create's events");
        follower.HasEnded.ShouldBeFalse("an idle stack is followed until its next operation ends");

        (await stack.RunAsync("stack", "update", "f", "-t", stack.TemplatePath, "--parameter", "v=b")).ExitCode.ShouldBe(0);
        var followed = await follower.EndAsync();

        followed.ExitCode.ShouldBe(0, followed.ToString());
        var all = await AllEventsAsync(stack);
        Sequences(followed.Out).ShouldBe(all.Select(e => (long)e["sequence"]!).ToList(), "every event once, in order");
        var last = JsonNode.Parse(followed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        ((string?)last["resource_name"], (string?)last["resource_status"]).ShouldBe(("f", "UPDATE_COMPLETE"));
    }

    [Fact]
    public async Task EventListFollowAfter_FollowerStoppedMidOperation_ResumesWithExactlyWhatItMissed()
    {
        using var stack = new CliStack(Template);
        var environment = stack.File("hooks.yaml", HookOnSecond);
        var create = stack.RunAsync("stack", "create", "f", "-t", stack.TemplatePath, "-e", environment);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(stack.State, "hearth.db")), "the create made the state");
        using var first = RunningCli.Start("--state", stack.State, "stack", "event", "list", "f", "--follow", "-f", "json");
        await Poll.UntilAsync(() => first.Lines.Any(l => l.Contains("paused until Hook pre-create", StringComparison.Ordinal)), "the first follower saw the pause");
        await first.StopAsync();
        var stopped = await first.EndAsync();
        var seen = Sequences(stopped.Out);

        using var second = RunningCli.Start("--state", stack.State, "stack", "event", "list", "f", "--follow", "--after", $"{seen[^1]}", "-f", "json");
        (await stack.RunAsync("stack", "hook", "clear", "f", "second")).ExitCode.ShouldBe(0);
        (await create.WaitAsync(CliRunner.Timeout)).ExitCode.ShouldBe(0);
        var resumed = await second.EndAsync();

        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        var all = (await AllEventsAsync(stack)).Select(e => (long)e["sequence"]!).ToList();
        Sequences(resumed.Out).ShouldBe(all.SkipWhile(s => s <= seen[^1]).ToList(), "exactly what the first follower missed");
        seen.Concat(Sequences(resumed.Out)).ShouldBe(all);
    }

    [Fact]
    public async Task EventListFollowAfter_OperationEndedWhileTheFollowerWasAway_PrintsWhatItMissedAndEnds()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("f");
        var all = await AllEventsAsync(stack);
        var middle = (long)all[2]["sequence"]!;

        // Resumed after the operation it followed ended: not a wait for the next operation.
        var resumed = await stack.RunAsync("stack", "event", "list", "f", "--follow", "--after", $"{middle}", "-f", "json");

        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        Sequences(resumed.Out).ShouldBe(all.Skip(3).Select(e => (long)e["sequence"]!).ToList());
    }

    [Fact]
    public async Task EventListAfter_SequenceNumber_ListsOnlyLaterEvents()
    {
        using var stack = new CliStack(Template);
        await stack.CreateAsync("f");
        var all = await AllEventsAsync(stack);
        var middle = (long)all[2]["sequence"]!;

        var later = await stack.RunAsync("stack", "event", "list", "f", "--after", $"{middle}", "-f", "json");

        later.ExitCode.ShouldBe(0, later.ToString());
        JsonNode.Parse(later.Out)!.AsArray().Select(e => (long)e!["sequence"]!).ShouldBe(all.Skip(3).Select(e => (long)e["sequence"]!));
    }

    private static async Task<List<JsonNode>> AllEventsAsync(CliStack stack)
    {
        var list = await stack.RunAsync("stack", "event", "list", "f", "-f", "json");
        list.ExitCode.ShouldBe(0, list.ToString());
        return [.. JsonNode.Parse(list.Out)!.AsArray().Select(e => e!)];
    }

    private static List<long> Sequences(string jsonLines) =>
        [.. jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (long)JsonNode.Parse(l)!["sequence"]!)];
}
