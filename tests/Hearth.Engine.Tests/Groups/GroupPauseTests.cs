using Hearth.Engine.Tests.Operations;

namespace Hearth.Engine.Tests.Groups;

/// <summary>A group's <c>pause_time</c> between batches is time on the engine's clock: on a fake one it passes only when the test moves it.</summary>
public sealed class GroupPauseTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        resources:
          group:
            type: OS::Heat::ResourceGroup
            update_policy:
              batch_create: {max_batch_size: 1, pause_time: 3600}
            properties:
              count: 2
              resource_def:
                type: OS::Heat::TestResource
                properties: {value: m-%index%}
        outputs:
          values: {value: {get_attr: [group, output]}}
        """;

    [Fact]
    public async Task CreateAsync_BatchCreatePauseTime_NextBatchWaitsForTheWholePause()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await EngineHarness.CreateAsync(clock);

        var create = harness.CreateAsync("g", Template);
        await clock.WhenWaitingAsync();
        clock.Advance(TimeSpan.FromSeconds(3599));

        create.IsCompleted.ShouldBeFalse("a second of the pause is left");
        clock.Waiters.ShouldBe(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await create.WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue();
        (await harness.OutputsAsync("g"))["values"].ShouldBe(new List<object?> { "m-0", "m-1" });
    }
}
