using System.Collections.Concurrent;
using Hearth.Engine.Tests.Operations;

namespace Hearth.Engine.Tests.Software;

/// <summary>A deployment group's <c>pause_time</c> between batches is time on the engine's clock, not the machine's.</summary>
public sealed class DeploymentGroupPauseTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        resources:
          a: {type: OS::Heat::DeployedServer}
          b: {type: OS::Heat::DeployedServer}
          config:
            type: OS::Heat::SoftwareConfig
            properties: {group: script, config: "#!/bin/sh\ntrue\n"}
          deployments:
            type: OS::Heat::SoftwareDeploymentGroup
            update_policy:
              batch_create: {max_batch_size: 1, pause_time: 3600}
            properties:
              config: {get_resource: config}
              servers: {a: {get_resource: a}, b: {get_resource: b}}
        """;

    [Fact]
    public async Task CreateAsync_BatchCreatePauseTime_SecondBatchRunsOnlyOnceThePauseHasPassedOnTheEngineClock()
    {
        var clock = new FakeTimeProvider();
        var servers = new ConcurrentQueue<string>();
        await using var harness = await EngineHarness.CreateAsync(clock, new CompletingTransport(r => servers.Enqueue(r.ServerId)));

        var create = harness.CreateAsync("g", Template);
        await clock.WhenWaitingAsync();
        clock.Advance(TimeSpan.FromSeconds(3599));

        create.IsCompleted.ShouldBeFalse("a second of the pause is left");
        servers.Count.ShouldBe(1, "the first batch ran, the second waits");
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await create.WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue();
        servers.Count.ShouldBe(2);
    }
}
