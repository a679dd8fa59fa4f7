using Xunit.Abstractions;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// Zero downtime (docs/performance.md): examples/webapp under a sequential HTTP client loop against its frontend for
/// the whole of a <c>stack update</c> that replaces the backend. In the test's copy the new backend reports ready only
/// once the client has sent <see cref="WhileStarting"/> requests after it began starting (a slow-starting service,
/// held by counting requests, not by a clock). Create-before-delete (the default) answers every one of them from the
/// old backend; the same update with <c>update_policy: {replacement: delete_before_create}</c> on the backend answers
/// none, so the test tells the two apart. Loops are bounded; every process the stack started is stopped at the end.
/// </summary>
public sealed class ZeroDowntimeTests(ITestOutputHelper output)
{
    /// <summary>Requests sent while the new backend starts; only then may it report ready.</summary>
    private const int WhileStarting = 100;

    /// <summary>Requests sent once the update has ended.</summary>
    private const int AfterUpdate = 20;

    private const int MaxRequests = 100_000;

    private static readonly TimeSpan LoopTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Update_BackendReplacedCreateBeforeDelete_NoRequestFails()
    {
        var run = await UpdateUnderLoadAsync(deleteBeforeCreate: false);

        run.Failures.ShouldBeEmpty();
        run.WhileStarting.Count.ShouldBe(WhileStarting);
        run.WhileStarting.ShouldAllBe(answer => answer == "backend v1", "the old backend serves while the new one starts");
        run.AfterUpdate.ShouldAllBe(answer => answer == "backend v2");
    }

    [Fact]
    public async Task Update_BackendReplacedDeleteBeforeCreate_RequestsFailWhileTheNewBackendStarts()
    {
        var run = await UpdateUnderLoadAsync(deleteBeforeCreate: true);

        run.WhileStarting.Count.ShouldBe(WhileStarting);
        run.WhileStarting.ShouldAllBe(answer => answer.StartsWith("failed", StringComparison.Ordinal), "no backend runs while the new one starts");
        run.AfterUpdate.ShouldAllBe(answer => answer == "backend v2");
    }

    /// <summary>What the client saw: every failure, the answers while the new backend started, and after the update.</summary>
    private sealed record LoadRun(int Requests, List<string> Failures, List<string> WhileStarting, List<string> AfterUpdate);

    /// <summary>Creates the webapp, then updates backend_version to v2 while a client loop GETs the frontend.</summary>
    private async Task<LoadRun> UpdateUnderLoadAsync(bool deleteBeforeCreate)
    {
        using var folder = new TempDirectory();
        var template = CopyWebapp(folder, deleteBeforeCreate);
        var state = folder.Combine("state");
        string[] Run(params string[] args) => ["--state", state, .. args];
        try
        {
            var created = await CliRunner.RunAsync(Run("stack", "create", "web", "-t", template));
            created.ExitCode.ShouldBe(0, created.ToString());
            var url = new Uri((await CliRunner.RunAsync(Run("stack", "output", "show", "web", "url"))).Out.Trim());
            url.ToString().ShouldStartWith("http://127.0.0.1:");

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            (await client.GetStringAsync(url)).Trim().ShouldBe("backend v1");

            using var stop = new CancellationTokenSource(LoopTimeout);
            var update = CliRunner.RunAsync(Run("stack", "update", "web", "--existing", "-P", "backend_version=v2"));
            var run = new LoadRun(0, [], [], []);
            var requests = 0;
            while (!update.IsCompleted && requests < MaxRequests && !stop.IsCancellationRequested)
            {
                // Counted as "while starting" only when sent after the new backend began: the old one was gone by
                // then with delete_before_create.
                var starting = File.Exists(folder.Combine("starting")) && run.WhileStarting.Count < WhileStarting;
                var answer = await GetAsync(client, url, ++requests, run.Failures, stop.Token);
                if (starting)
                {
                    run.WhileStarting.Add(answer);
                    if (run.WhileStarting.Count == WhileStarting)
                    {
                        folder.File("go", "");
                    }
                }
            }

            var updated = await update.WaitAsync(HearthProcess.Timeout);
            updated.ExitCode.ShouldBe(0, updated.ToString());
            for (var i = 0; i < AfterUpdate; i++)
            {
                run.AfterUpdate.Add(await GetAsync(client, url, ++requests, run.Failures, stop.Token));
            }

            output.WriteLine($"{(deleteBeforeCreate ? "delete_before_create" : "create-before-delete")}: {requests} requests, {run.Failures.Count} failed");
            foreach (var failure in run.Failures.Take(5))
            {
                output.WriteLine("  " + failure);
            }

            var deleted = await CliRunner.RunAsync(Run("stack", "delete", "web", "--yes"));
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
            return run with { Requests = requests };
        }
        finally
        {
            DeploymentProcesses.KillAll(state);
        }
    }

    /// <summary>One GET: the frontend's answer ("backend v1"), or "failed: …" (also added to <paramref name="failures"/>).</summary>
    private static async Task<string> GetAsync(HttpClient client, Uri url, int request, List<string> failures, CancellationToken ct)
    {
        string answer;
        try
        {
            using var response = await client.GetAsync(url, ct);
            var body = (await response.Content.ReadAsStringAsync(ct)).Trim();
            answer = response.IsSuccessStatusCode && body.StartsWith("backend v", StringComparison.Ordinal)
                ? body
                : $"failed: {(int)response.StatusCode} {body}";
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

    /// <summary>
    /// examples/webapp in the test's folder; its v2 backend, once started, touches <c>starting</c> and reports ready
    /// only when the test has written <c>go</c> (bounded: 2 minutes).
    /// </summary>
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
                const string Ready = "    printf '%s:%s' \"$addr\" \"$(cat port)\" > \"${heat_outputs_path}.host_and_port\"\n";
                text.ShouldContain(Ready);
                var hold = $$"""
                        if [ "$version" = v2 ]; then
                          touch '{{folder.Path}}/starting'
                          i=0
                          while [ ! -e '{{folder.Path}}/go' ] && [ $i -lt 2400 ]; do sleep 0.05; i=$((i + 1)); done
                        fi

                    """;
                text = text.Replace(Ready, hold + Ready, StringComparison.Ordinal);
            }

            folder.File(Path.Combine("scripts", Path.GetFileName(script)), text);
        }

        return folder.File("webapp.yaml", template);
    }
}
