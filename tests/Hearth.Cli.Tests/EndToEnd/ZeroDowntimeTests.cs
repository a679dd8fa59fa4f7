using System.Diagnostics;
using Xunit.Abstractions;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// Zero downtime (docs/performance.md): examples/webapp under a sequential HTTP client loop against its frontend for
/// the whole of a <c>stack update</c> that replaces the backend. Create-before-delete (the default) drops no request;
/// the same update with <c>update_policy: {replacement: delete_before_create}</c> on the backend drops some, so the
/// test can tell the two apart. The backend in the test's copy takes 5 s to report ready (a slow-starting service),
/// which is the window the old backend must keep serving. Loops are bounded in iterations and time; every process
/// the stack started is stopped at the end.
/// </summary>
public sealed class ZeroDowntimeTests(ITestOutputHelper output)
{
    private const int MaxRequests = 100_000;

    private static readonly TimeSpan LoopTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Update_BackendReplacedCreateBeforeDelete_NoRequestFails()
    {
        var (requests, failures) = await UpdateUnderLoadAsync(deleteBeforeCreate: false);

        requests.ShouldBeGreaterThanOrEqualTo(1000);
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task Update_BackendReplacedDeleteBeforeCreate_SomeRequestsFail()
    {
        var (requests, failures) = await UpdateUnderLoadAsync(deleteBeforeCreate: true);

        requests.ShouldBeGreaterThanOrEqualTo(1000);
        failures.ShouldNotBeEmpty();
    }

    /// <summary>Creates the webapp, then updates backend_version to v2 while a client loop GETs the frontend.</summary>
    private async Task<(int Requests, List<string> Failures)> UpdateUnderLoadAsync(bool deleteBeforeCreate)
    {
        using var folder = new TempDirectory();
        var template = CopyWebapp(folder, deleteBeforeCreate);
        var state = Path.Combine(folder.Path, "state");
        string[] Run(params string[] args) => ["--state", state, .. args];
        try
        {
            var created = await CliRunner.RunAsync(Run("stack", "create", "web", "-t", template));
            created.ExitCode.ShouldBe(0, created.ToString());
            var url = (await CliRunner.RunAsync(Run("stack", "output", "show", "web", "url"))).Out.Trim();
            url.ShouldStartWith("http://127.0.0.1:");

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            (await client.GetStringAsync(new Uri(url))).Trim().ShouldBe("backend v1");

            using var stop = new CancellationTokenSource(LoopTimeout);
            var update = CliRunner.RunAsync(Run("stack", "update", "web", "--existing", "-P", "backend_version=v2"));
            var requests = 0;
            var failures = new List<string>();
            var watch = Stopwatch.StartNew();
            while (!update.IsCompleted && requests < MaxRequests && !stop.IsCancellationRequested)
            {
                requests++;
                try
                {
                    using var response = await client.GetAsync(new Uri(url), stop.Token);
                    var body = (await response.Content.ReadAsStringAsync(stop.Token)).Trim();
                    if (!response.IsSuccessStatusCode || !body.StartsWith("backend v", StringComparison.Ordinal))
                    {
                        failures.Add($"{watch.ElapsedMilliseconds} ms: {(int)response.StatusCode} {body}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
                {
                    failures.Add($"{watch.ElapsedMilliseconds} ms: {e.GetType().Name}: {e.Message}");
                }
            }

            var updated = await update.WaitAsync(HearthProcess.Timeout);
            updated.ExitCode.ShouldBe(0, updated.ToString());
            (await client.GetStringAsync(new Uri(url))).Trim().ShouldBe("backend v2");
            output.WriteLine($"{(deleteBeforeCreate ? "delete_before_create" : "create-before-delete")}: {requests} requests during the update, {failures.Count} failed");
            foreach (var failure in failures.Take(5))
            {
                output.WriteLine("  " + failure);
            }

            var deleted = await CliRunner.RunAsync(Run("stack", "delete", "web", "--yes"));
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
            return (requests, failures);
        }
        finally
        {
            DeploymentProcesses.KillAll(state);
        }
    }

    /// <summary>examples/webapp in the test's folder; its backend sleeps 5 s before reporting ready.</summary>
    private static string CopyWebapp(TempDirectory folder, bool deleteBeforeCreate)
    {
        var source = Path.Combine(CliRunner.RepositoryRoot, "examples", "webapp");
        var template = File.ReadAllText(Path.Combine(source, "webapp.yaml"));
        const string Backend = "  backend:\n    type: OS::Heat::SoftwareDeployment\n";
        template.ShouldContain(Backend);
        if (deleteBeforeCreate)
        {
            template = template.Replace(Backend, Backend + "    update_policy: {replacement: delete_before_create}\n", StringComparison.Ordinal);
        }

        foreach (var script in Directory.GetFiles(Path.Combine(source, "scripts")))
        {
            var text = File.ReadAllText(script);
            if (Path.GetFileName(script) == "backend.sh")
            {
                const string Ready = "    printf '127.0.0.1:%s' \"$(cat port)\" > \"${heat_outputs_path}.host_and_port\"\n";
                text.ShouldContain(Ready);
                text = text.Replace(Ready, "    sleep 5\n" + Ready, StringComparison.Ordinal);
            }

            folder.File(Path.Combine("scripts", Path.GetFileName(script)), text);
        }

        return folder.File("webapp.yaml", template);
    }
}
