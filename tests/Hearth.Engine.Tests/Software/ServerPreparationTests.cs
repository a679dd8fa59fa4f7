using System.Collections.Concurrent;
using Hearth.Engine.Tests.Operations;
using Hearth.Execution;

namespace Hearth.Engine.Tests.Software;

/// <summary>
/// An operation lets each SSH server's transport start connecting before the deployments on it need the connection:
/// when the server is created, and when any later operation on its stack starts (the server's row unchanged).
/// </summary>
public sealed class ServerPreparationTests
{
    private static string Template(string version) => $$"""
        heat_template_version: 2021-04-16
        resources:
          web: {type: OS::Heat::DeployedServer, properties: {software_config_transport: SSH, ssh: {host: 192.0.2.10} } }
          db: {type: OS::Heat::DeployedServer, properties: {software_config_transport: SSH, ssh: {host: 192.0.2.20} } }
          here: {type: OS::Heat::DeployedServer}
          config:
            type: OS::Heat::SoftwareConfig
            properties: {group: script, config: "#!/bin/sh\necho {{version}}\n", inputs: [{name: version}]}
          on_web: {type: OS::Heat::SoftwareDeployment, properties: {config: {get_resource: config}, server: {get_resource: web}, input_values: {version: {{version}} }, actions: [CREATE, UPDATE, DELETE]} }
          on_db: {type: OS::Heat::SoftwareDeployment, properties: {config: {get_resource: config}, server: {get_resource: db}, input_values: {version: {{version}} }, actions: [CREATE, UPDATE, DELETE]} }
          on_here: {type: OS::Heat::SoftwareDeployment, properties: {config: {get_resource: config}, server: {get_resource: here} } }
        """;

    [Fact]
    public async Task CreateAsync_SshServers_EachPreparedBeforeItsFirstDeployment()
    {
        var ssh = new RecordingProvider();
        await using var harness = await EngineHarness.CreateAsync(new CompletingTransport(r => ssh.Calls.Enqueue($"deploy local {r.Action}")), ssh);

        (await harness.CreateAsync("s", Template("1"))).Succeeded.ShouldBeTrue();

        ssh.Calls.ShouldContain("prepare 192.0.2.10");
        ssh.Calls.ShouldContain("prepare 192.0.2.20");
        ssh.PreparedBeforeFirstDeploy("192.0.2.10").ShouldBeTrue(string.Join(", ", ssh.Calls));
        ssh.PreparedBeforeFirstDeploy("192.0.2.20").ShouldBeTrue(string.Join(", ", ssh.Calls));
        // The LOCAL server is nothing for the SSH provider to prepare.
        ssh.Calls.Count(c => c.StartsWith("prepare", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("delete")]
    public async Task LaterOperation_ServersUnchanged_EachStoredServerPreparedAsItStarts(string operation)
    {
        var ssh = new RecordingProvider();
        await using var harness = await EngineHarness.CreateAsync(new CompletingTransport(r => ssh.Calls.Enqueue($"deploy local {r.Action}")), ssh);
        (await harness.CreateAsync("s", Template("1"))).Succeeded.ShouldBeTrue();
        ssh.Calls.Clear();

        // Only the deployments change (or go): the servers' rows are not acted on, yet their transports are prepared first.
        var outcome = operation == "update" ? await harness.UpdateAsync("s", Template("2")) : await harness.DeleteAsync("s");

        outcome.Succeeded.ShouldBeTrue();
        ssh.PreparedBeforeFirstDeploy("192.0.2.10").ShouldBeTrue(string.Join(", ", ssh.Calls));
        ssh.PreparedBeforeFirstDeploy("192.0.2.20").ShouldBeTrue(string.Join(", ", ssh.Calls));
        ssh.Calls.ShouldContain(c => c.StartsWith("deploy 192.0.2.10 " + operation.ToUpperInvariant(), StringComparison.Ordinal));
    }

    /// <summary>Records what it is asked, in order: "prepare HOST", "deploy HOST ACTION".</summary>
    private sealed class RecordingProvider : ITransportProvider
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public IDeploymentTransport For(ServerTarget server) => new CompletingTransport(r => Calls.Enqueue($"deploy {Host(server)} {r.Action}"));

        public Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

        public void Prepare(ServerTarget server) => Calls.Enqueue($"prepare {Host(server)}");

        public bool PreparedBeforeFirstDeploy(string host)
        {
            var calls = Calls.ToList();
            var prepared = calls.IndexOf($"prepare {host}");
            var deployed = calls.FindIndex(c => c.StartsWith($"deploy {host} ", StringComparison.Ordinal));
            return prepared >= 0 && deployed > prepared;
        }

        private static string Host(ServerTarget server) =>
            server.Properties["ssh"] is IReadOnlyDictionary<string, object?> ssh ? (string)ssh["host"]! : "?";
    }
}
