using Hearth.Cli.Tests.Deployments;
using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>
/// <c>--accept-new-host-keys</c>: a server without <c>known_host_key</c> whose key Hearth has never seen is trusted on
/// first use, into the state's known_hosts, with its fingerprint printed; a key that differs from the known one is still
/// refused and runs nothing.
/// </summary>
[Collection(SshHostsCollection.Name)]
public sealed class HostKeyTrustTests(SshHosts hosts)
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          host: {type: string}
          port: {type: number}
          user: {type: string}
          key_file: {type: string}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: host}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              outputs: [{name: ran}]
              config: |
                #!/bin/sh
                printf yes > "${heat_outputs_path}.ran"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}}
        outputs:
          ran: {value: {get_attr: [deployment, ran]}}
        """;

    [Fact]
    public async Task Create_UnknownHostWithAcceptNewHostKeys_TrustsItOnFirstUseAndPrintsItsFingerprint()
    {
        var host = hosts.Hosts[0];
        await using var stack = new DeploymentStack(Template);

        var created = await stack.RunAsync(["stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--accept-new-host-keys", .. Parameters(host)]);

        created.ExitCode.ShouldBe(0, created.ToString());
        (await stack.OutputAsync("ran")).ShouldBe("yes");
        var knownHosts = Path.Combine(stack.State, "ssh", "known_hosts");
        (await File.ReadAllLinesAsync(knownHosts)).ShouldContain($"[{host.Address}]:{host.Port} {host.HostKey}");
        created.Error.ShouldContain(
            $"hearth: trusted the new host key of [{host.Address}]:{host.Port} on first use (--accept-new-host-keys): ssh-ed25519 {await FingerprintAsync(host.HostKey)}, saved in {knownHosts}");

        // Known now: the next command needs no opt-in, and says nothing about keys.
        var updated = await stack.RunAsync(["stack", "update", DeploymentStack.Name, "--existing"]);
        updated.ExitCode.ShouldBe(0, updated.ToString());
        updated.Error.ShouldNotContain("trusted");
    }

    [Fact]
    public async Task Create_KnownHostsHoldsAnotherKeyForTheHost_RefusedEvenWithAcceptNewHostKeys()
    {
        var host = hosts.Hosts[0];
        await using var stack = new DeploymentStack(Template);
        var knownHosts = Path.Combine(stack.State, "ssh", "known_hosts");
        Directory.CreateDirectory(Path.GetDirectoryName(knownHosts) ?? stack.State);
        var stale = $"[{host.Address}]:{host.Port} {hosts.Hosts[1].HostKey}\n";
        await File.WriteAllTextAsync(knownHosts, stale);

        var created = await stack.RunAsync(["stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--accept-new-host-keys", .. Parameters(host)]);

        created.ExitCode.ShouldNotBe(0);
        created.Error.ShouldContain($"the host key of ssh {SshHosts.User}@{host.Address}:{host.Port} differs from the one in Hearth's known_hosts ({knownHosts}): nothing was run there. "
            + "A key that changed is never accepted, even with --accept-new-host-keys");
        created.Error.ShouldContain($"ssh-keygen -R '[{host.Address}]:{host.Port}' -f {knownHosts}");
        created.Error.ShouldNotContain("trusted");
        created.Error.ShouldNotContain("trust it on first use");
        (await File.ReadAllTextAsync(knownHosts)).ShouldBe(stale);
    }

    [Fact]
    public async Task Create_AcceptNewHostKeysWithAServer_RefusedSayingTheServerDecides()
    {
        await using var stack = new DeploymentStack(Template);

        var created = await stack.RunAsync(["--server", "http://127.0.0.1:9", "stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--accept-new-host-keys", .. Parameters(hosts.Hosts[0])]);

        created.ExitCode.ShouldNotBe(0);
        created.Error.ShouldContain("--accept-new-host-keys applies to deployments this command runs itself");
    }

    private string[] Parameters(SshHost host) =>
    [
        "--parameter", $"host={host.Address}",
        "--parameter", $"port={host.Port}",
        "--parameter", $"user={SshHosts.User}",
        "--parameter", $"key_file={hosts.KeyFile}",
    ];

    /// <summary>The fingerprint as ssh-keygen computes it ("SHA256:…"), the reference the printed one must match.</summary>
    private static async Task<string> FingerprintAsync(string hostKey)
    {
        var file = Path.Combine(Path.GetTempPath(), "hearth-hostkey-" + Guid.NewGuid().ToString("N") + ".pub");
        await File.WriteAllTextAsync(file, hostKey + "\n");
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("ssh-keygen", ["-lf", file]) { RedirectStandardOutput = true };
            using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("no ssh-keygen");
            var output = await process.StandardOutput.ReadToEndAsync().Within();
            await process.WaitForExitAsync().Within();
            return output.Split(' ')[1];
        }
        finally
        {
            File.Delete(file);
        }
    }
}
