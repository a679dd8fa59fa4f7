using Xunit.Abstractions;

namespace Hearth.Cli.Tests.Containers;

/// <summary>
/// Blue-green replacement of a containerized backend behind a frontend, under a sequential client loop for the whole of
/// the <c>stack update</c>. The backend is a docker-cmd deployment replaced on a change of its image
/// (<c>replace_on_change_of</c>): its new container starts beside the old one on a new port and passes its health
/// check, then the frontend (examples/webapp's proxy, a script) is repointed through the dataflow, and only then is the
/// old deployment's container removed. The new backend's health check passes only once the client has sent
/// <see cref="WhileStarting"/> requests after it began (held by counting requests, not by a clock), so those requests
/// are all answered while both generations exist.
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class ContainerBlueGreenTests(ITestOutputHelper output)
{
    private const int WhileStarting = 1000;

    private const int AfterUpdate = 100;

    private const int MaxRequests = 100_000;

    private static readonly TimeSpan LoopTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task StackUpdate_BackendImageChanged_NoRequestFailsAndOldContainerGone()
    {
        using var folder = new TempDirectory();
        var template = Template(folder);
        var state = folder.Combine("state");
        string[] Run(params string[] args) => ["--state", state, .. args];
        var created = await CliRunner.RunAsync(Run("stack", "create", "bg", "-t", template));
        try
        {
            created.ExitCode.ShouldBe(0, created.ToString());
            var url = new Uri((await CliRunner.RunAsync(Run("stack", "output", "show", "bg", "url"))).Out.Trim());
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            (await client.GetStringAsync(url)).Trim().ShouldBe("v1");
            var oldBackend = PodmanHost.Containers("deploy_resource_name=backend").ShouldHaveSingleItem();

            using var stop = new CancellationTokenSource(LoopTimeout);
            var update = CliRunner.RunAsync(Run("stack", "update", "bg", "--existing", "-P", $"image={PodmanHost.Image2}", "-P", "port=" + FreePort()));
            List<string> failures = [];
            List<string> whileStarting = [];
            var requests = 0;
            while (!update.IsCompleted && requests < MaxRequests && !stop.IsCancellationRequested)
            {
                var starting = File.Exists(folder.Combine("hold/starting")) && whileStarting.Count < WhileStarting;
                var answer = await GetAsync(client, url, ++requests, failures, stop.Token);
                if (starting)
                {
                    whileStarting.Add(answer);
                    if (whileStarting.Count == WhileStarting)
                    {
                        folder.File("hold/go", "");
                    }
                }
            }

            var updated = await update.WaitAsync(LoopTimeout);
            updated.ExitCode.ShouldBe(0, updated.ToString());
            List<string> after = [];
            for (var i = 0; i < AfterUpdate; i++)
            {
                after.Add(await GetAsync(client, url, ++requests, failures, stop.Token));
            }

            output.WriteLine($"blue-green swap of a container: {requests} requests, {failures.Count} failed");
            failures.ShouldBeEmpty();
            whileStarting.Count.ShouldBe(WhileStarting);
            whileStarting.ShouldAllBe(answer => answer == "v1", "the old container serves while the new one starts");
            after.ShouldAllBe(answer => answer == "v2");
            var backends = PodmanHost.Containers("deploy_resource_name=backend");
            backends.ShouldHaveSingleItem().Id.ShouldNotBe(oldBackend.Id, "the replaced deployment's container is removed with it");
        }
        finally
        {
            var deleted = await CliRunner.RunAsync(Run("stack", "delete", "bg", "--yes"));
            Deployments.DeploymentStack.KillLeftovers(state);
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
        }
    }

    /// <summary>One GET: the body ("v1"), or "failed: …" (also added to <paramref name="failures"/>).</summary>
    private static async Task<string> GetAsync(HttpClient client, Uri url, int request, List<string> failures, CancellationToken ct)
    {
        string answer;
        try
        {
            using var response = await client.GetAsync(url, ct);
            var body = (await response.Content.ReadAsStringAsync(ct)).Trim();
            answer = response.IsSuccessStatusCode && body is "v1" or "v2" ? body : $"failed: {(int)response.StatusCode} {body}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            answer = $"failed: {e.GetType().Name}: {e.Message}";
        }

        if (answer.StartsWith("failed", StringComparison.Ordinal))
        {
            failures.Add($"request {request}: {answer}");
        }

        return answer;
    }

    private static string Template(TempDirectory folder)
    {
        var frontend = File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot, "examples", "webapp", "scripts", "frontend.sh"));
        folder.File("frontend.sh", frontend);
        Directory.CreateDirectory(folder.Combine("hold"));
        // The health check of v2 notes that it started, then passes once the test wrote 'go' (bounded by its retries).
        return folder.File("bg.yaml", $$$"""
            heat_template_version: 2021-04-16
            parameters:
              image: {type: string, default: {{{PodmanHost.Image1}}}}
              port: {type: string, default: '{{{FreePort()}}}'}
            resources:
              server:
                type: OS::Heat::DeployedServer
              backend_config:
                type: OS::Heat::StructuredConfig
                properties:
                  group: docker-cmd
                  config:
                    api:
                      image: {get_param: image}
                      ports: [{list_join: ['', ['127.0.0.1:', {get_param: port}, ':80']]}]
                      volumes: ["{{{folder.Combine("hold")}}}:/hold"]
                      stop_signal: SIGKILL
                      command: [httpd, -f, -p, '80', -h, /www]
                      healthcheck:
                        test: {if: [{equals: [{get_param: image}, {{{PodmanHost.Image1}}}]}, "wget -q -O- http://127.0.0.1/", "touch /hold/starting; test -f /hold/go"]}
                        interval: 100ms
                        retries: 1200
              backend:
                type: OS::Heat::StructuredDeployment
                update_policy: {replace_on_change_of: [image]}
                properties:
                  config: {get_resource: backend_config}
                  server: {get_resource: server}
              frontend_config:
                type: OS::Heat::SoftwareConfig
                properties:
                  group: script
                  inputs: [{name: BACKEND_ADDR}]
                  outputs: [{name: url}]
                  config: {get_file: frontend.sh}
              frontend:
                type: OS::Heat::SoftwareDeployment
                depends_on: [backend]
                properties:
                  config: {get_resource: frontend_config}
                  server: {get_resource: server}
                  actions: [CREATE, UPDATE, DELETE]
                  input_values:
                    BACKEND_ADDR: {list_join: ['', ['127.0.0.1:', {get_param: port}]]}
            outputs:
              url: {value: {get_attr: [frontend, url]}}
            """);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
