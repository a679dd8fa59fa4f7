namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// Hooks on a fake clock: a paused resource waits for its hook to be cleared, not for time to pass, so a day on the
/// clock changes nothing and a clear ends the pause at the next look.
/// </summary>
public sealed class HookTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: a}
        resources:
          first: {type: OS::Heat::TestResource, properties: {value: {get_param: v}}}
          second: {type: OS::Heat::TestResource, properties: {value: {get_attr: [first, output]}}}
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
    public async Task UpdateAsync_PreUpdateHookUnclearedForADay_StaysPausedUntilCleared()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await EngineHarness.CreateAsync(clock);
        harness.WriteFile("t.yaml", Template);
        harness.WriteFile("env.yaml", Environment);
        (await harness.CreateAsync("h", harness.SourceOf("t.yaml", ["env.yaml"]))).Succeeded.ShouldBeTrue();

        var update = harness.UpdateAsync("h", harness.SourceOf("t.yaml", ["env.yaml"], "v=b"));
        await clock.WhenWaitingAsync();
        clock.Advance(TimeSpan.FromDays(1));
        await clock.WhenWaitingAsync();

        update.IsCompleted.ShouldBeFalse("a hook has no timeout");
        var hook = (await harness.Engine.ListHooksAsync("h", CancellationToken.None).WaitAsync(EngineHarness.Timeout)).ShouldHaveSingleItem();
        (hook.Resource, hook.Hook).ShouldBe(("first", "pre-update"));
        await harness.Engine.ClearHookAsync("h", "first", CancellationToken.None).WaitAsync(EngineHarness.Timeout);
        var outcome = await clock.AdvanceUntilDoneAsync(update, TimeSpan.FromSeconds(1));

        outcome.Succeeded.ShouldBeTrue();
        (await harness.OutputsAsync("h"))["second"].ShouldBe("b");
        (await harness.Engine.ListHooksAsync("h", CancellationToken.None).WaitAsync(EngineHarness.Timeout)).ShouldBeEmpty();
    }
}
