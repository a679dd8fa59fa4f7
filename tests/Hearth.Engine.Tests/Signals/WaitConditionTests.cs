using Hearth.Engine.Tests.Operations;
using Hearth.State;

namespace Hearth.Engine.Tests.Signals;

/// <summary>
/// Wait conditions on a fake clock: an hour's timeout passes when the test moves the clock, not in real time, and a
/// signal that arrives while the clock stands still completes the wait.
/// </summary>
public sealed class WaitConditionTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          timeout: {type: number, default: 3600}
        resources:
          handle: {type: OS::Heat::WaitConditionHandle}
          wait:
            type: OS::Heat::WaitCondition
            properties:
              handle: {get_resource: handle}
              timeout: {get_param: timeout}
        outputs:
          data: {value: {get_attr: [wait, data]}}
        """;

    [Fact]
    public async Task CreateAsync_NoSignalWithinAnHour_TimesOutAndRollsBack()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await EngineHarness.CreateAsync(clock);

        var create = harness.CreateAsync("w", Template);
        await clock.WhenWaitingAsync();
        create.IsCompleted.ShouldBeFalse("the clock has not moved, so the hour has not passed");
        var outcome = await clock.AdvanceUntilDoneAsync(create, TimeSpan.FromMinutes(10));

        outcome.Succeeded.ShouldBeFalse();
        var stack = await harness.StackAsync("w");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("ROLLBACK_COMPLETE");
        var events = await harness.EventsAsync("w");
        events.ShouldContain(e => e.ResourceName == "wait" && e.StatusReason.Contains("WaitCondition timed out after 3600s: 0 of 1 success signals received"));
        (clock.GetUtcNow() - FakeTimeProvider.DefaultStart).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(1), "it timed out only once the hour had passed on its clock");
    }

    [Fact]
    public async Task CreateAsync_SignalWhileWaiting_CompletesWithTheDataBeforeTheTimeout()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await EngineHarness.CreateAsync(clock);
        var create = harness.CreateAsync("w", Template);
        await clock.WhenWaitingAsync();

        var data = new Dictionary<string, object?> { ["status"] = "SUCCESS", ["data"] = "hello", ["id"] = "s1" };
        await harness.Engine.SignalAsync("w", "handle", data, CancellationToken.None).WaitAsync(EngineHarness.Timeout);
        var outcome = await clock.AdvanceUntilDoneAsync(create, TimeSpan.FromSeconds(1));

        outcome.Succeeded.ShouldBeTrue();
        (await harness.OutputsAsync("w"))["data"].ShouldBe("""{"s1": "hello"}""");
        (clock.GetUtcNow() - FakeTimeProvider.DefaultStart).ShouldBeLessThan(TimeSpan.FromHours(1), "the signal ended the wait, not the timeout");
    }
}
