using Hearth.Cli.Tests.Containers;
using Hearth.Cli.Tests.Deployments;
using Hearth.Testing.Sshd;
using Xunit.Abstractions;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>
/// examples/containers with its store, API and proxy each on a host reached over SSH, chosen by an environment file as
/// env/ssh.yaml shows: the same template as on one machine. podman runs rootless as the hosts' login user, with the
/// images build-images.sh made for that user over SSH. The hosts share this machine and that user, so the containers
/// are all in that user's podman, told apart by their labels.
/// </summary>
[Collection(SshHostsCollection.Name)]
public sealed class ContainersOverSshTests(SshHosts hosts, ITestOutputHelper output)
{
    private const string Images = "localhost/hearth-example/";

    [Fact]
    public async Task Example_OnThreeHosts_CreateMinorUpdateFailedUpgradeRolledBackDelete()
    {
        var (storeHost, apiHost, proxyHost) = (hosts.Hosts[0], hosts.Hosts[1], hosts.Hosts[2]);
        await hosts.RunScriptAsync(storeHost, Path.Combine(CliRunner.RepositoryRoot, "examples", "containers", "build-images.sh"));
        await using var stack = DeploymentStack.OfFile(Path.Combine(CliRunner.RepositoryRoot, "examples", "containers", "containers.yaml"));
        var port = ContainersExampleTests.FreePort();
        var environment = stack.File("hosts.yaml", Environment(port, hosts.SharedFolder()));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string? stackLabel = null;
        try
        {
            await stack.CreateAsync("-e", environment);

            var outputs = await stack.OutputsAsync();
            outputs["url"].ShouldBe($"http://{proxyHost.Address}:{port}/cgi-bin/p");
            outputs["store"].ShouldNotBeNull().ShouldStartWith($"{storeHost.Address}:");
            outputs["api"].ShouldNotBeNull().ShouldStartWith($"{apiHost.Address}:");
            var url = new Uri(outputs["url"]!);
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v1: item from store v1");
            var show = await stack.RunAsync("stack", "show", DeploymentStack.Name, "-f", "json");
            stackLabel = $"deploy_stack_id={DeploymentStack.Name}/{Commands.CliStack.Json(show).GetProperty("id").GetString()}";
            var first = Running(stackLabel);
            first.Keys.Order().ShouldBe(["api", "proxy", "store"]);
            PodmanHost.Containers(stackLabel).ShouldBeEmpty("every container runs as the SSH user, none as the user running hearth");

            // Minor update: a new API image, under a client loop.
            var update = stack.UpdateAsync($"api_image={Images}api:2");
            var (requests, failures) = await ContainersExampleTests.MinorUpdateLoopAsync(client, url, update);
            var minor = await update.WaitAsync(TestTimeouts.Default);
            minor.ExitCode.ShouldBe(0, minor.ToString());
            output.WriteLine($"minor update over SSH: {requests} requests, {failures.Count} failed");
            failures.ShouldBeEmpty();
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v2: item from store v1");
            var afterMinor = Running(stackLabel);
            afterMinor["store"].ShouldBe(first["store"]);
            afterMinor["proxy"].ShouldBe(first["proxy"]);
            afterMinor["api"].ShouldNotBe(first["api"]);

            // A major upgrade whose migration fails (api 3 needs store 3): rolled back, every container as it was.
            var all = AllContainers(stackLabel);
            var outputsBefore = await stack.OutputsAsync();
            var failed = await stack.UpdateAsync($"store_image={Images}store:2", $"api_image={Images}api:3");
            failed.ExitCode.ShouldNotBe(0, failed.ToString());
            failed.Error.ShouldContain("api v3 needs store v3*; the store has: item from store v2");
            (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
            AllContainers(stackLabel).ShouldBe(all);
            (await stack.OutputsAsync()).ShouldBe(outputsBefore);
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v2: item from store v1");

            var deleted = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
            ContainersOfUser(stackLabel).ShouldBeEmpty();
        }
        finally
        {
            // A failed assertion above leaves the stack to DeploymentStack's delete; what it could not remove goes here.
            if (stackLabel is not null && ContainersOfUser(stackLabel) is { Count: > 0 } left)
            {
                await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");
                output.WriteLine($"left after the test: {string.Join(", ", left.Select(c => c.Name))}");
            }
        }
    }

    /// <summary>env/ssh.yaml filled in with the test's hosts.</summary>
    private string Environment(int proxyPort, string routeDir) => $"""
        parameter_defaults:
          transport: SSH
          ssh_user: {SshHosts.User}
          ssh_port: {hosts.Hosts[0].Port}
          ssh_key_file: {hosts.KeyFile}
          store_host: {hosts.Hosts[0].Address}
          api_host: {hosts.Hosts[1].Address}
          proxy_host: {hosts.Hosts[2].Address}
          store_host_key: {hosts.Hosts[0].HostKey}
          api_host_key: {hosts.Hosts[1].HostKey}
          proxy_host_key: {hosts.Hosts[2].HostKey}
          publish_address: 0.0.0.0
          proxy_port: "{proxyPort}"
          route_dir: {routeDir}
        """;

    private IReadOnlyList<ContainerView> ContainersOfUser(string label) => PodmanHost.ContainersOf(SshHosts.User, hosts.UserHome, label);

    private Dictionary<string, string> Running(string label) =>
        ContainersOfUser(label).Where(c => c.IsRunning).ToDictionary(c => c.Labels["container_name"], c => c.Id);

    /// <summary>Every container of the stack, running or not, with its state and start time.</summary>
    private List<string> AllContainers(string label) =>
        [.. ContainersOfUser(label).Select(c => $"{c.Name} {c.Id} {c.State} {c.StartedAt}").Order()];
}
