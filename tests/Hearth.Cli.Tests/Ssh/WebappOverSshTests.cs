using Hearth.Cli.Tests.Deployments;
using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>
/// examples/webapp spread over three hosts reached over SSH, chosen by an environment file as env/ssh.yaml shows: the
/// same template as on one machine. The test asks the frontend over HTTP.
/// </summary>
[Collection(SshHostsCollection.Name)]
public sealed class WebappOverSshTests(SshHosts hosts)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Webapp_OnThreeHosts_CreateReplaceBackendRollBackBrokenDelete()
    {
        await using var stack = DeploymentStack.OfFile(Path.Combine(CliRunner.RepositoryRoot, "examples", "webapp", "webapp.yaml"));
        var environment = stack.File("hosts.yaml", Environment());
        using var http = new HttpClient { Timeout = RequestTimeout };
        var (backendHost, frontendHost) = (hosts.Hosts[0].Address, hosts.Hosts[1].Address);

        await stack.CreateAsync("-e", environment);

        var url = await stack.OutputAsync("url") ?? throw new InvalidOperationException("no url output");
        url.ShouldStartWith($"http://{frontendHost}:");
        (await stack.OutputAsync("backend") ?? "").ShouldStartWith($"{backendHost}:");
        (await WebappExampleTests.GetAsync(http, url)).ShouldBe("backend v1");

        // v2: a new backend beside the old one on its host, the frontend repointed on its own; no request fails.
        using (var updating = new CancellationTokenSource())
        {
            var answers = WebappExampleTests.PollAsync(http, url, updating.Token);
            var v2 = await stack.UpdateAsync("backend_version=v2");
            await updating.CancelAsync();

            v2.ExitCode.ShouldBe(0, v2.ToString());
            var seen = await answers.WaitAsync(RequestTimeout * 2);
            seen.ShouldNotBeEmpty();
            seen.ShouldAllBe(answer => answer == "backend v1" || answer == "backend v2");
        }

        (await WebappExampleTests.GetAsync(http, url)).ShouldBe("backend v2");
        var v2Backend = await stack.OutputAsync("backend");
        v2Backend.ShouldNotBeNull().ShouldStartWith($"{backendHost}:");

        // broken: the smoke test on the third host fails and everything goes back to v2.
        var broken = await stack.UpdateAsync("backend_version=broken");

        broken.ExitCode.ShouldBe(1, broken.ToString());
        broken.Error.ShouldContain("smoke test failed");
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        (await WebappExampleTests.GetAsync(http, url)).ShouldBe("backend v2");
        (await stack.OutputAsync("backend")).ShouldBe(v2Backend);

        var deleted = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        (await DeploymentStack.EventuallyAsync(() => DeploymentStack.Refuses(new Uri(url).Authority))).ShouldBeTrue("the frontend still listens after the delete");
        (await DeploymentStack.EventuallyAsync(() => DeploymentStack.Refuses(v2Backend))).ShouldBeTrue("the backend still listens after the delete");
    }

    /// <summary>env/ssh.yaml filled in with the test's hosts.</summary>
    private string Environment() => $"""
        parameter_defaults:
          transport: SSH
          ssh_user: {SshHosts.User}
          ssh_port: {hosts.Hosts[0].Port}
          ssh_key_file: {hosts.KeyFile}
          backend_host: {hosts.Hosts[0].Address}
          frontend_host: {hosts.Hosts[1].Address}
          smoke_host: {hosts.Hosts[2].Address}
          backend_host_key: {hosts.Hosts[0].HostKey}
          frontend_host_key: {hosts.Hosts[1].HostKey}
          smoke_host_key: {hosts.Hosts[2].HostKey}
        """;
}
