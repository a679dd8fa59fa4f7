using System.Diagnostics;
using Xunit.Abstractions;

namespace Hearth.Cli.Tests.Containers;

/// <summary>
/// examples/containers through <c>hearth</c>, with the images its build-images.sh makes: a minor update (a new API image)
/// under a client loop replaces the API alone and fails no request; a major upgrade whose migration fails leaves every
/// container exactly as it was; one that passes upgrades the store and the API; a delete removes all of them.
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class ContainersExampleTests(ITestOutputHelper output)
{
    private const string Images = "localhost/hearth-example/";

    private const int MaxRequests = 20_000;

    [Fact]
    public async Task Example_MinorUpdateMajorUpgradeAndFailedMigration_AsTheDocsSay()
    {
        BuildImages();
        using var folder = new TempDirectory();
        var state = folder.Combine("state");
        var template = Path.Combine(CliRunner.RepositoryRoot, "examples", "containers", "containers.yaml");
        var port = FreePort();
        string[] Run(params string[] args) => ["--state", state, .. args];
        var created = await CliRunner.RunAsync(Run("stack", "create", "demo", "-t", template, "-P", $"route_dir={folder.Combine("route")}", "-P", $"proxy_port={port}"));
        try
        {
            created.ExitCode.ShouldBe(0, created.ToString());
            var url = new Uri($"http://127.0.0.1:{port}/cgi-bin/p");
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v1: item from store v1");
            var stack = $"deploy_stack_id=demo/{await StackIdAsync(state)}";
            var first = Running(stack);
            first.Keys.Order().ShouldBe(["api", "proxy", "store"]);

            // Minor update: a new API image, under a client loop.
            var update = CliRunner.RunAsync(Run("stack", "update", "demo", "--existing", "-P", $"api_image={Images}api:2"));
            var (requests, failures) = await MinorUpdateLoopAsync(client, url, update);
            (await update.WaitAsync(TestTimeouts.Default)).ExitCode.ShouldBe(0);
            output.WriteLine($"minor update: {requests} requests, {failures.Count} failed");
            failures.ShouldBeEmpty();
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v2: item from store v1");
            var minor = Running(stack);
            minor["store"].ShouldBe(first["store"]);
            minor["proxy"].ShouldBe(first["proxy"]);
            minor["api"].ShouldNotBe(first["api"]);

            // A major upgrade whose migration fails (api 3 needs store 3): everything stays exactly as it was.
            var all = AllContainers(stack);
            var failed = await CliRunner.RunAsync(Run("stack", "update", "demo", "--existing", "-P", $"store_image={Images}store:2", "-P", $"api_image={Images}api:3"));
            failed.ExitCode.ShouldNotBe(0, failed.ToString());
            failed.Error.ShouldContain("api v3 needs store v3*; the store has: item from store v2");
            AllContainers(stack).ShouldBe(all);
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v2: item from store v1");

            // The same upgrade with the store it needs.
            var major = await CliRunner.RunAsync(Run("stack", "update", "demo", "--existing", "-P", $"store_image={Images}store:3", "-P", $"api_image={Images}api:3"));
            major.ExitCode.ShouldBe(0, major.ToString());
            (await client.GetStringAsync(url)).Trim().ShouldBe("api v3: item from store v3");
            Running(stack)["proxy"].ShouldBe(first["proxy"]);
        }
        finally
        {
            var deleted = await CliRunner.RunAsync(Run("stack", "delete", "demo", "--yes"));
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
        }

        PodmanHost.Containers("deploy_resource_name=api").ShouldBeEmpty();
        Directory.Exists(folder.Combine("route")).ShouldBeFalse();
    }

    private static void BuildImages()
    {
        using var build = Process.Start(new ProcessStartInfo(Path.Combine(CliRunner.RepositoryRoot, "examples", "containers", "build-images.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("build-images.sh did not start");
        var stderr = build.StandardError.ReadToEndAsync();
        build.StandardOutput.ReadToEnd();
        build.WaitForExit(120_000).ShouldBeTrue("build-images.sh took more than 2 minutes");
        build.ExitCode.ShouldBe(0, stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Asks the example's proxy again and again while the minor update (api 1 → 2) runs; every answer must come from
    /// one API or the other. Returns how many were sent and the ones that failed.
    /// </summary>
    internal static async Task<(int Requests, List<string> Failures)> MinorUpdateLoopAsync(HttpClient client, Uri url, Task update)
    {
        var (requests, failures) = (0, new List<string>());
        while (!update.IsCompleted && requests < MaxRequests)
        {
            requests++;
            var answer = await GetAsync(client, url);
            if (answer is not ("api v1: item from store v1" or "api v2: item from store v1"))
            {
                failures.Add($"request {requests}: {answer}");
            }
        }

        return (requests, failures);
    }

    internal static async Task<string> GetAsync(HttpClient client, Uri url)
    {
        try
        {
            using var response = await client.GetAsync(url);
            var body = (await response.Content.ReadAsStringAsync()).Trim();
            return response.IsSuccessStatusCode ? body : $"{(int)response.StatusCode} {body}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static Dictionary<string, string> Running(string stack) =>
        PodmanHost.Containers(stack).Where(c => c.IsRunning).ToDictionary(c => c.Labels["container_name"], c => c.Id);

    /// <summary>Every container of the stack, running or not, with its state and start time.</summary>
    private static List<string> AllContainers(string stack) =>
        [.. PodmanHost.Containers(stack).Select(c => $"{c.Name} {c.Id} {c.State} {c.StartedAt}").Order()];

    private static async Task<string> StackIdAsync(string state)
    {
        var show = await CliRunner.RunAsync("--state", state, "stack", "show", "demo", "-f", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        return Commands.CliStack.Json(show).GetProperty("id").GetString() ?? "";
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
