namespace Hearth.Cli.Tests.Deployments;

/// <summary>
/// examples/webapp as a user runs it: real backends and a real proxy on this machine, asked over HTTP by the test.
/// </summary>
public sealed class WebappExampleTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Webapp_CreateUpdateFailedUpdateDelete_ServesTheRightBackendAndLeavesNoProcess()
    {
        await using var stack = DeploymentStack.OfFile(Path.Combine(CliRunner.RepositoryRoot, "examples", "webapp", "webapp.yaml"));
        using var http = new HttpClient { Timeout = RequestTimeout };

        // Create: the frontend answers with backend v1.
        await stack.CreateAsync();
        var url = await stack.OutputAsync("url") ?? throw new InvalidOperationException("no url output");
        var v1Backend = await stack.OutputAsync("backend") ?? throw new InvalidOperationException("no backend output");
        (await GetAsync(http, url)).ShouldBe("backend v1");

        // v2: the new backend is created, the frontend repointed, then the old backend deleted.
        var v1Id = (await stack.ResourceAsync("backend")).GetProperty("physical_resource_id").GetString();
        var lastBefore = (await stack.EventsAsync())[^1].Sequence;
        var v2 = await stack.UpdateAsync("backend_version=v2");

        v2.ExitCode.ShouldBe(0, v2.ToString());
        (await GetAsync(http, url)).ShouldBe("backend v2");
        var v2Id = (await stack.ResourceAsync("backend")).GetProperty("physical_resource_id").GetString();
        v2Id.ShouldNotBe(v1Id);
        var events = (await stack.EventsAsync()).Where(e => e.Sequence > lastBefore).ToList();
        var created = events.FindIndex(e => e is { Resource: "backend", Status: "CREATE_COMPLETE" } && e.PhysicalId == v2Id);
        var repointed = events.FindIndex(e => e is { Resource: "frontend", Status: "UPDATE_COMPLETE" });
        var retired = events.FindIndex(e => e is { Resource: "backend", Status: "DELETE_COMPLETE" } && e.PhysicalId == v1Id);
        created.ShouldBeGreaterThanOrEqualTo(0, string.Join("\n", events));
        repointed.ShouldBeGreaterThan(created, string.Join("\n", events));
        retired.ShouldBeGreaterThan(repointed, string.Join("\n", events));
        (await DeploymentStack.EventuallyAsync(() => DeploymentStack.Refuses(v1Backend))).ShouldBeTrue($"the v1 backend still listens on {v1Backend}");

        // broken: the smoke test fails, the stack rolls back, and v2 serves again. While the frontend points at the
        // broken backend (between its repointing and the rollback) it answers 500 "backend broken": every request
        // gets an answer from a backend, none is refused.
        var outputsBefore = await stack.OutputsAsync();
        var v2Backend = outputsBefore["backend"] ?? throw new InvalidOperationException("no backend output");
        using var updating = new CancellationTokenSource();
        var answers = PollAsync(http, url, updating.Token);
        var started = WatchBackendPortsAsync(stack, updating.Token);
        var broken = await stack.UpdateAsync("backend_version=broken");
        await updating.CancelAsync();
        var seen = await answers.WaitAsync(RequestTimeout * 2);
        var startedDuringUpdate = await started.WaitAsync(RequestTimeout * 2);

        broken.ExitCode.ShouldBe(1, broken.ToString());
        broken.Error.ShouldContain("smoke test failed");
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        seen.ShouldNotBeEmpty();
        seen.ShouldAllBe(answer => answer == "backend v2" || answer == "backend broken");
        (await GetAsync(http, url)).ShouldBe("backend v2");
        (await stack.OutputsAsync()).ShouldBe(outputsBefore);
        (await stack.ResourceAsync("backend")).GetProperty("physical_resource_id").GetString().ShouldBe(v2Id);
        // A retired deployment's working folder is removed with it; the broken backend's port was seen while it ran.
        BackendPorts(stack).ShouldBe([v2Backend]);
        var others = startedDuringUpdate.Where(p => p != v2Backend).ToList();
        others.Count.ShouldBe(1, "the broken backend's port file");
        foreach (var other in others.Append(v1Backend))
        {
            (await DeploymentStack.EventuallyAsync(() => DeploymentStack.Refuses(other))).ShouldBeTrue($"a retired backend still listens on {other}");
        }

        // delete: nothing listens any more.
        var listening = BackendPorts(stack);
        var deleted = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        BackendPorts(stack).ShouldBeEmpty();
        var frontend = new Uri(url).Authority;
        foreach (var address in listening.Append(frontend))
        {
            (await DeploymentStack.EventuallyAsync(() => DeploymentStack.Refuses(address))).ShouldBeTrue($"{address} still listens after the delete");
        }
    }

    internal static async Task<string> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url));
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    /// <summary>Asks the URL again and again until cancelled: the answers' bodies, or the error of a failed request.</summary>
    internal static async Task<List<string>> PollAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        var answers = new List<string>();
        for (var i = 0; i < 10_000 && !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                answers.Add(await GetAsync(http, url));
            }
            catch (HttpRequestException e)
            {
                answers.Add("failed: " + e.Message);
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return answers;
    }

    /// <summary>Every backend address whose port file appears until cancelled (a retired backend's folder goes with it).</summary>
    private static async Task<HashSet<string>> WatchBackendPortsAsync(DeploymentStack stack, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 10_000 && !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                seen.UnionWith(BackendPorts(stack));
            }
            catch (IOException)
            {
                // A folder went while we looked.
            }

            await Task.Delay(10, CancellationToken.None);
        }

        return seen;
    }

    /// <summary>The addresses of the backends whose deployments exist (each keeps its port file in its working folder).</summary>
    private static List<string> BackendPorts(DeploymentStack stack) =>
        [.. Directory.EnumerateFiles(Path.Combine(stack.State, "deployments"), "backend.py", SearchOption.AllDirectories)
            .Select(file => Path.Combine(Path.GetDirectoryName(file) ?? "", "port"))
            .Where(File.Exists)
            .Select(port => "127.0.0.1:" + File.ReadAllText(port).Trim())];
}
