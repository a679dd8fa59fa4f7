using Hearth.Cli.Tests.Deployments;
using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>
/// A server that drops off the network mid-deployment (its sshd in a network namespace whose link the test takes
/// down): the deployment fails with a reason naming the host, what can be rolled back is, and the stack says which
/// deployment could not be undone until the host is back.
/// </summary>
[Collection(SshHostsCollection.Name)]
public sealed class UnreachableHostTests(SshHosts hosts) : IAsyncLifetime
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          log: {type: string}
          port: {type: number}
          far_host: {type: string}
          far_port: {type: number}
          user: {type: string}
          key_file: {type: string}
          near_key: {type: string}
          far_key: {type: string}
        resources:
          near:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: 127.0.0.2, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: near_key}}
          far:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: far_host}, port: {get_param: far_port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: far_key}}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: log}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action $$" >> "$log"
                if [ "$deploy_resource_name $deploy_action" = "second CREATE" ]; then sleep 120; fi
          first:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: near}, actions: [CREATE, DELETE], input_values: {log: {get_param: log}}}
          second:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: far}, actions: [CREATE, DELETE], input_values: {log: {get_param: log}}}
        """;

    private NamespacedSshHost? _far;

    public async Task InitializeAsync() => _far = await hosts.StartInNamespaceAsync();

    [Fact]
    public async Task Create_HostCutOffMidScript_FailsNamingTheHostRollsBackTheRestAndCancelFinishesOnceItIsBack()
    {
        var far = (_far ?? throw new InvalidOperationException("no host")).Host;
        var log = Path.Combine(hosts.SharedFolder(), "log");
        await using var stack = new DeploymentStack(Template);
        var creating = stack.RunAsync([
            "stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath,
            "-P", $"log={log}", "-P", $"port={hosts.Hosts[0].Port}", "-P", $"far_host={far.Address}", "-P", $"far_port={far.Port}",
            "-P", $"user={SshHosts.User}", "-P", $"key_file={hosts.KeyFile}", "-P", $"near_key={hosts.Hosts[0].HostKey}", "-P", $"far_key={far.HostKey}",
        ]);
        // Both scripts started: first's (on the near host) ends at once, second's (on the far one) runs on. Whether first
        // has completed or not when second fails, the rollback deletes it: running work finishes, then is undone.
        await Poll.UntilAsync(() => Lines(log).Length == 2, "both scripts started");

        await _far.CutAsync();
        var created = await creating.WaitAsync(TimeSpan.FromMinutes(3));

        created.ExitCode.ShouldNotBe(0);
        var reach = $"could not reach ssh {SshHosts.User}@{far.Address}:{far.Port}";
        created.Error.ShouldContain($"second CREATE_FAILED Deployment to server failed: {reach}");
        created.Error.ShouldContain("first DELETE_COMPLETE");
        created.Error.ShouldContain($"s ROLLBACK_FAILED Rollback failed: second: Deployment to server failed: {reach}");
        created.Error.ShouldContain($"  failed: second (CREATE): Deployment to server failed: {reach}");
        created.Error.ShouldContain($"  failed: second (DELETE): Deployment to server failed: {reach}");
        created.Error.ShouldContain(
            $"hearth: once what failed is fixed, 'hearth --state {stack.State} stack cancel s' finishes the rollback, or 'hearth --state {stack.State} stack delete s' removes the stack and what it made.");
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_FAILED");
        Lines(log).Select(Words).Order(StringComparer.Ordinal).ShouldBe(["first CREATE", "first DELETE", "second CREATE"]);

        await _far.RestoreAsync();
        var cancelled = await stack.RunAsync("stack", "cancel", DeploymentStack.Name);

        cancelled.ExitCode.ShouldBe(0, cancelled.ToString());
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        Lines(log).Select(Words).Order(StringComparer.Ordinal).ShouldBe(["first CREATE", "first DELETE", "second CREATE", "second DELETE"]);
        var stranded = int.Parse(Lines(log).Single(l => l.StartsWith("second CREATE", StringComparison.Ordinal)).Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        ProcessTable.Stat(stranded).ShouldBeNull("the CREATE that ran on while the host was cut off was stopped before its DELETE ran");
    }

    public async Task DisposeAsync()
    {
        if (_far is not null)
        {
            await _far.DisposeAsync();
        }
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    private static string Words(string line) => string.Join(' ', line.Split(' ').Take(2));
}
