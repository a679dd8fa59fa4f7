using System.Collections.Concurrent;
using System.Collections.Immutable;
using Hearth.Engine.Tests.Operations;
using Hearth.Execution;

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
        var transport = new RecordingTransport();
        await using var harness = await EngineHarness.CreateAsync(clock, transport);

        var create = harness.CreateAsync("g", Template);
        await clock.WhenWaitingAsync();
        clock.Advance(TimeSpan.FromSeconds(3599));

        create.IsCompleted.ShouldBeFalse("a second of the pause is left");
        transport.Servers.Count.ShouldBe(1, "the first batch ran, the second waits");
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await create.WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue();
        transport.Servers.Count.ShouldBe(2);
    }

    /// <summary>Runs nothing; every deployment completes at once, and the servers it was asked to run on are kept.</summary>
    private sealed class RecordingTransport : IDeploymentTransport
    {
        public ConcurrentQueue<string> Servers { get; } = new();

        public Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct)
        {
            Servers.Enqueue(request.ServerId);
            return Task.FromResult(new DeploymentResult(DeploymentStatus.Complete, 0, "", "", ImmutableDictionary<string, object?>.Empty, "Outputs received", TimeSpan.Zero));
        }

        public Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct) => Task.FromResult<DeploymentResult?>(null);

        public Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task RemoveAsync(string deploymentId, CancellationToken ct) => Task.CompletedTask;
    }
}
