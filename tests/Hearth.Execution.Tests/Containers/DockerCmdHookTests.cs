using System.Collections.Immutable;
using Hearth.Execution.Local;

namespace Hearth.Execution.Tests.Containers;

/// <summary>The docker-cmd group through the local transport against real podman (see <see cref="PodmanHost"/>).</summary>
[Collection(PodmanCollection.Name)]
public sealed class DockerCmdHookTests : IDisposable
{
    // busybox's httpd as PID 1 ignores SIGTERM: KILL makes a stop immediate instead of podman's 10 s timeout.
    private const string Web = "stop_signal: SIGKILL\n  command: [httpd, -f, -p, '80', -h, /www]";

    private readonly TempDirectory _stateRoot = new("hearth-docker-cmd-");
    private readonly LocalTransport _transport;
    private readonly string _deploymentId = "t" + Guid.NewGuid().ToString("N");

    public DockerCmdHookTests()
    {
        _transport = new LocalTransport(new LocalTransportOptions(_stateRoot.Path));
    }

    [Fact]
    public async Task DeployAsync_Create_StartsInStartOrderWithHeatAndHearthLabels()
    {
        var result = await DeployAsync($"""
            web:
              image: {PodmanHost.Image1}
              start_order: 2
              {Web}
            store:
              image: {PodmanHost.Image1}
              start_order: 1
              {Web}
            """);

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason + result.Stderr);
        var containers = Mine();
        containers.Select(c => c.Labels["container_name"]).Order().ShouldBe(["store", "web"]);
        containers.ShouldAllBe(c => c.IsRunning);
        var store = containers.Single(c => c.Labels["container_name"] == "store");
        var web = containers.Single(c => c.Labels["container_name"] == "web");
        store.StartedAt.ShouldBeLessThanOrEqualTo(web.StartedAt);
        web.Labels["managed_by"].ShouldBe("docker-cmd");
        web.Labels["config_id"].ShouldBe(_deploymentId);
        web.Labels["deploy_stack_id"].ShouldBe("stack/s-1");
        web.Labels["deploy_resource_name"].ShouldBe("containers");
        web.Labels["hearth.generation"].ShouldBe("1");
        web.Labels["hearth.settings"].Length.ShouldBe(32);
        web.Name.ShouldBe($"web-{_deploymentId[..8]}-1");
    }

    [Fact]
    public async Task DeployAsync_SameConfigAgain_ContainersKeepIdsAndStartTimes()
    {
        var config = Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1);
        (await DeployAsync(config)).Status.ShouldBe(DeploymentStatus.Complete);
        var before = Mine().Select(c => (c.Id, c.StartedAt)).Order().ToList();

        var again = await DeployAsync(config, action: "UPDATE");

        again.Status.ShouldBe(DeploymentStatus.Complete, again.StatusReason);
        Mine().Select(c => (c.Id, c.StartedAt)).Order().ShouldBe(before);
    }

    [Fact]
    public async Task DeployAsync_OneImageOfThreeChanged_OnlyThatContainerReplacedOldKeptStopped()
    {
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);
        var before = Mine().ToDictionary(c => c.Labels["container_name"]);

        var result = await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image2, PodmanHost.Image1), action: "UPDATE");

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        var after = Mine();
        var running = after.Where(c => c.IsRunning).ToDictionary(c => c.Labels["container_name"]);
        running["a"].Id.ShouldBe(before["a"].Id);
        running["c"].Id.ShouldBe(before["c"].Id);
        running["b"].Id.ShouldNotBe(before["b"].Id);
        running["b"].Labels["hearth.generation"].ShouldBe("2");
        after.Single(c => c.Id == before["b"].Id).IsRunning.ShouldBeFalse("the old generation is stopped and kept for a rollback");
    }

    [Fact]
    public async Task DeployAsync_BackToOldConfig_StartsTheVerySameOldContainer()
    {
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);
        var first = Mine().Single(c => c.Labels["container_name"] == "b").Id;
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image2, PodmanHost.Image1), action: "UPDATE")).Status.ShouldBe(DeploymentStatus.Complete);

        var back = await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1), action: "UPDATE");

        back.Status.ShouldBe(DeploymentStatus.Complete, back.StatusReason);
        var b = Mine().Where(c => c.Labels["container_name"] == "b").ToList();
        b.Single(c => c.IsRunning).Id.ShouldBe(first);
        b.Count.ShouldBe(2, "generation 2 is now the retained one");
    }

    [Fact]
    public async Task DeployAsync_FailingOneShot_EverythingThisRunDidIsUndone()
    {
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);
        var before = Mine().Select(c => (c.Id, c.StartedAt)).Order().ToList();

        var result = await DeployAsync(Three(PodmanHost.Image2, PodmanHost.Image2, PodmanHost.Image1) + $"""

            migrate:
              image: {PodmanHost.Image2}
              start_order: 5
              detach: false
              command: [sh, -c, 'echo migrating; echo the schema is locked >&2; exit 3']
            """, action: "UPDATE");

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(3);
        result.Stdout.ShouldContain("migrating");
        result.StatusReason.ShouldBe("container 'migrate' exited with 3, not one of its exit_codes [0]");
        result.Stderr.TrimEnd().ShouldEndWith("the schema is locked");
        var after = Mine();
        after.Where(c => c.IsRunning).Select(c => c.Id).Order().ShouldBe(before.Select(b => b.Id).Order());
        after.Count.ShouldBe(3, "the new generations and the failed one-shot are removed");
    }

    /// <summary>
    /// A container's environment reaches it whole (a value of one line and one of several, a later entry over an earlier),
    /// through podman's stdin and environment rather than its command line (PodmanArgumentsTests).
    /// </summary>
    [Fact]
    public async Task DeployAsync_Environment_ReachesTheContainerOutsidePodmansCommandLine()
    {
        var result = await DeployAsync($"""
            env:
              image: {PodmanHost.Image1}
              detach: false
              environment: ["SECRET=s3cr3t value=with equals", "PEM=line one\nline two", "LATER=first", "LATER=second"]
              command: [sh, -c, 'printf "%s|%s|%s|" "$SECRET" "$PEM" "$LATER"']
            """);

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stdout.ShouldBe("s3cr3t value=with equals|line one\nline two|second|");
    }

    [Fact]
    public async Task DeployAsync_PodmanRunFails_ReasonNamesTheStepPodmansWordsAreTheStderr()
    {
        var result = await DeployAsync($"""
            web:
              image: {PodmanHost.Image1}
              {Web}
            broken:
              image: {PodmanHost.Image1}
              command: [/no/such/program]
            """);

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(127);
        result.StatusReason.ShouldBe("container 'broken': podman run failed (exit 127)");
        result.Stderr.ShouldContain("/no/such/program");
        // The failed container's stderr goes last, after what the others wrote: a failure shows the end of it.
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].ShouldContain("/no/such/program");
        Mine().ShouldBeEmpty("the failed run's containers are removed");
    }

    [Fact]
    public async Task DeployAsync_HealthCheckNeverPasses_NewRemovedOldStillServing()
    {
        (await DeployAsync(Served(PodmanHost.Image1, "wget -q -O- http://127.0.0.1/index.html"))).Status.ShouldBe(DeploymentStatus.Complete);
        var old = Mine().Single();

        var result = await DeployAsync(Served(PodmanHost.Image2, "false"), action: "UPDATE");

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith("container 'web': its health check did not pass in 3 tries");
        var after = Mine().ShouldHaveSingleItem();
        after.Id.ShouldBe(old.Id);
        after.IsRunning.ShouldBeTrue();
        PodmanHost.PodmanOk("exec", old.Id, "wget", "-q", "-O-", "http://127.0.0.1/index.html").ShouldBe("v1");
    }

    [Fact]
    public async Task DeployAsync_FixedHostPort_OldStoppedFirstAndSaidSo()
    {
        var port = FreePort();
        string Config(string image) => $"""
            web:
              image: {image}
              ports: ["127.0.0.1:{port}:80"]
              {Web}
            """;
        (await DeployAsync(Config(PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);
        var old = Mine().Single();

        var result = await DeployAsync(Config(PodmanHost.Image2), action: "UPDATE");

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason + result.Stderr);
        result.Stderr.ShouldContain($"[hearth: stopped {old.Name} before starting its replacement: it publishes the fixed host port 127.0.0.1:{port}:80, so two generations cannot run side by side]");
        Mine().Single(c => c.IsRunning).Labels["hearth.generation"].ShouldBe("2");
    }

    [Theory]
    [InlineData("[0, 1]", DeploymentStatus.Complete)]
    [InlineData("[0]", DeploymentStatus.Failed)]
    public async Task DeployAsync_Exec_RunsInItsTargetWithItsExitCodes(string exitCodes, DeploymentStatus expected)
    {
        var result = await DeployAsync($"""
            web:
              image: {PodmanHost.Image1}
              {Web}
            look:
              action: exec
              start_order: 1
              command: [web, cat, /www/index.html]
            fail:
              action: exec
              start_order: 2
              command: [web, sh, -c, exit 1]
              exit_codes: {exitCodes}
            """);

        result.Status.ShouldBe(expected, result.StatusReason + result.Stderr);
        result.Stdout.ShouldContain("v1");
        if (expected == DeploymentStatus.Failed)
        {
            result.ExitCode.ShouldBe(1);
            result.StatusReason.ShouldBe($"exec 'fail' in web-{_deploymentId[..8]}-1 exited with 1, not one of its exit_codes [0]");
            Mine().ShouldBeEmpty("the failed run's new container is removed");
        }
    }

    [Fact]
    public async Task DeployAsync_Delete_RemovesExactlyTheDeploymentsContainers()
    {
        var foreign = PodmanHost.PodmanOk("run", "-d", "--label", "container_name=web", PodmanHost.Image1, "sleep", "600");
        var otherDeployment = PodmanHost.PodmanOk("run", "-d", "--label", "managed_by=docker-cmd", "--label", "container_name=web",
            "--label", "hearth.deployment=someone-else", PodmanHost.Image1, "sleep", "600");
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image2, PodmanHost.Image1), action: "UPDATE")).Status.ShouldBe(DeploymentStatus.Complete);
        Mine().Count.ShouldBe(4);

        var result = await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image2, PodmanHost.Image1), action: "DELETE");

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        Mine().ShouldBeEmpty();
        PodmanHost.PodmanOk("inspect", "--format", "{{.State.Running}}", foreign).ShouldBe("true");
        PodmanHost.PodmanOk("inspect", "--format", "{{.State.Running}}", otherDeployment).ShouldBe("true");
    }

    [Fact]
    public async Task DeployAsync_ContainerDroppedFromConfig_Removed()
    {
        (await DeployAsync(Three(PodmanHost.Image1, PodmanHost.Image1, PodmanHost.Image1))).Status.ShouldBe(DeploymentStatus.Complete);

        var result = await DeployAsync($"""
            a:
              image: {PodmanHost.Image1}
              {Web}
            """, action: "UPDATE");

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        Mine().Select(c => c.Labels["container_name"]).ShouldBe(["a"]);
    }

    [Fact]
    public async Task DeployAsync_RetainedGenerations_OlderOnesPruned()
    {
        foreach (var image in new[] { PodmanHost.Image1, PodmanHost.Image2, PodmanHost.Image1 + "x" })
        {
            var config = image.EndsWith('x')
                ? $"a:\n  image: {PodmanHost.Image1}\n  hostname: third\n  {Web}"
                : $"a:\n  image: {image}\n  {Web}";
            (await DeployAsync(config, action: "UPDATE")).Status.ShouldBe(DeploymentStatus.Complete);
        }

        Mine().Select(c => (c.Labels["hearth.generation"], c.IsRunning)).Order().ShouldBe([("2", false), ("3", true)]);
    }

    [Fact]
    public async Task DeployAsync_OutputNamedContainerAndPort_IsThePublishedAddress()
    {
        var result = await DeployAsync($"""
            web:
              image: {PodmanHost.Image1}
              ports: ["127.0.0.1::80"]
              {Web}
            """, outputs: [new("web:80"), new("web:81"), new("other:80")]);

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason + result.Stderr);
        result.Outputs.Keys.ShouldBe(["web:80"], "a port not published and a container not in the config have no output");
        var address = result.Outputs["web:80"].ShouldBeOfType<string>();
        address.ShouldStartWith("127.0.0.1:");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (await client.GetStringAsync(new Uri($"http://{address}/")).Within()).ShouldBe("v1");
    }

    [Fact]
    public async Task DeployAsync_UnknownKey_FailedNamingIt()
    {
        var result = await DeployAsync($"web: {{image: {PodmanHost.Image1}, enviroment: [A=1]}}");

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith("The docker-cmd config is not valid: container 'web' has the unknown key 'enviroment' (did you mean 'environment'?)");
        Mine().ShouldBeEmpty();
    }

    public void Dispose()
    {
        _transport.Dispose();
        _stateRoot.Dispose();
    }

    private static string Three(string a, string b, string c) => $"""
        a:
          image: {a}
          {Web}
        b:
          image: {b}
          {Web}
        c:
          image: {c}
          {Web}
        """;

    private static string Served(string image, string check) => $"""
        web:
          image: {image}
          ports: ["127.0.0.1::80"]
          healthcheck:
            test: "{check}"
            interval: 100ms
            retries: 3
          {Web}
        """;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private List<ContainerView> Mine() => [.. PodmanHost.Containers($"hearth.deployment={_deploymentId}")];

    private async Task<DeploymentResult> DeployAsync(string config, string action = "CREATE", DeploymentOutputDeclaration[]? outputs = null) =>
        await _transport.DeployAsync(
            new DeploymentRequest(
                _deploymentId,
                "server-1",
                action,
                "docker-cmd",
                config,
                [new("deploy_stack_id", DeploymentValueType.String, "stack/s-1"), new("deploy_resource_name", DeploymentValueType.String, "containers")],
                [.. outputs ?? []],
                ImmutableDictionary<string, object?>.Empty,
                TestTimeouts.Default),
            CancellationToken.None).Within();
}
