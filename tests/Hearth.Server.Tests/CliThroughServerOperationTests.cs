using System.Text.RegularExpressions;

namespace Hearth.Server.Tests;

/// <summary>
/// The <c>hearth stack …</c> commands that reach into a running or interrupted operation (hooks, signals, <c>--follow</c>,
/// resume, cancel) print the same and exit the same on a local state and through a real <c>hearth server</c>.
/// </summary>
public sealed class CliThroughServerOperationTests
{
    private const string WaitTemplate = """
        heat_template_version: 2018-08-31
        resources:
          handle: {type: OS::Heat::WaitConditionHandle}
          wait:
            type: OS::Heat::WaitCondition
            properties: {handle: {get_resource: handle}, timeout: 120}
        outputs:
          data: {value: {get_attr: [wait, data]}}
        """;

    [Fact]
    public async Task HooksAndFollow_LocalAndThroughServer_PrintTheSameAndExitTheSame()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var template = folder.File("demo.yaml", Templates.Greeting);
        var hooks = folder.File("hooks.yaml", Templates.Hooks);

        async Task<List<(int ExitCode, string Out, string Error)>> ScenarioAsync(Func<string[], RunningHearth> hearth)
        {
            var create = hearth(["stack", "create", "hooked", "-t", template, "-e", hooks]);
            await Poll.UntilAsync(async () => (await hearth(["stack", "hook", "list", "hooked", "-f", "json"]).EndAsync()).Out.Contains("pre-create", StringComparison.Ordinal), "after pauses at its hook");
            var follow = hearth(["stack", "event", "list", "hooked", "--follow"]);
            await Poll.UntilAsync(() => follow.Out.Contains("paused until Hook pre-create", StringComparison.Ordinal), "the follower printed the pause");
            List<(int, string, string)> results =
            [
                await hearth(["stack", "hook", "list", "hooked"]).EndAsync(),
                await hearth(["stack", "show", "hooked"]).EndAsync(),
                await hearth(["stack", "hook", "clear", "hooked", "greeting"]).EndAsync(),
                await hearth(["stack", "hook", "clear", "hooked", "after"]).EndAsync(),
                await create.EndAsync(),
                await follow.EndAsync(),
                await hearth(["stack", "hook", "list", "hooked", "-f", "json"]).EndAsync(),
                await hearth(["stack", "hook", "clear", "hooked", "after"]).EndAsync(),
                await hearth(["stack", "hook", "clear", "hooked", "nested/after"]).EndAsync(),
            ];
            return results;
        }

        var remote = await both.RunScenarioAsync(ScenarioAsync);

        // What was compared is what the scenario means: the hook cleared, the create finished, the follower saw all of it.
        remote[3].Error.ShouldBe("Hook pre-create of after cleared.\n");
        remote[4].ExitCode.ShouldBe(0, remote[4].Error);
        remote[5].Out.ShouldContain("[after]: CREATE_IN_PROGRESS  Hook pre-create is cleared");
        remote[5].Out.TrimEnd().Split('\n')[^1].ShouldContain("[hooked]: CREATE_COMPLETE");
        remote[7].ExitCode.ShouldBe(2);
        remote[7].Error.ShouldBe($"hearth: resource 'after' of stack 'hooked' is not waiting at a hook ('hearth --server {both.Url} stack hook list hooked' shows those that are)\n");
        Directory.Exists(both.ClientState).ShouldBeFalse("a command sent to a server must not make a local state");
    }

    [Fact]
    public async Task Signal_WaitConditionLocalAndThroughServer_CompletesTheSameWithTheData()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var template = folder.File("wait.yaml", WaitTemplate);
        const string Signal = """{"status": "SUCCESS", "reason": "by hand", "data": "hello", "id": "s1"}""";

        async Task<List<(int ExitCode, string Out, string Error)>> ScenarioAsync(Func<string[], RunningHearth> hearth)
        {
            var create = hearth(["stack", "create", "w", "-t", template]);
            // Signalled once the condition waits, so that the events come in one order both ways.
            await Poll.UntilAsync(async () => (await hearth(["stack", "event", "list", "w"]).EndAsync()).Out.Contains("[wait]: CREATE_IN_PROGRESS", StringComparison.Ordinal), "the condition waits");
            return
            [
                await hearth(["stack", "signal", "w", "handle", "--data", Signal]).EndAsync(),
                await create.EndAsync(),
                await hearth(["stack", "signal", "w", "handle"]).EndAsync(),
                await hearth(["stack", "signal", "w", "handle", "--data", "\"just a string\""]).EndAsync(),
                await hearth(["stack", "signal", "w", "wait"]).EndAsync(),
                await hearth(["stack", "signal", "w", "nothing"]).EndAsync(),
                await hearth(["stack", "signal", "missing", "handle"]).EndAsync(),
                await hearth(["stack", "event", "list", "w"]).EndAsync(),
            ];
        }

        var remote = await both.RunScenarioAsync(ScenarioAsync);

        remote[0].Error.ShouldBe("Signal sent to handle.\n");
        remote[1].ExitCode.ShouldBe(0, remote[1].Error);
        remote[1].Out.ShouldContain("""{"s1": "hello"}""");
        remote[4].ExitCode.ShouldBe(2);
        remote[7].Out.ShouldContain("""[handle]: CREATE_COMPLETE  Signal received: {"status":"SUCCESS","reason":"by hand","data":"hello","id":"s1"}""");
        remote[7].Out.ShouldContain("""[handle]: CREATE_COMPLETE  Signal received: {"status":"SUCCESS","reason":"Signal received","data":"just a string","id":"3"}""");
    }

    [Fact]
    public async Task ResumeAndCancel_InterruptedLocalAndThroughServer_PrintTheSameAndExitTheSame()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var template = folder.File("demo.yaml", Templates.Greeting);

        // Two stacks each left mid-create by a server that died (SIGKILL) after recording its first step.
        var token = await ServerProcess.CreateTokenAsync(serverState, "crash");
        foreach (var name in new[] { "a", "b" })
        {
            using var crashing = await ServerProcess.StartAsync(serverState, new Dictionary<string, string> { ["HEARTH_CRASH_AT"] = "1" }, "--interrupted", "leave");
            await ServerProcess.HearthAsync(folder.Combine("client-state"), "--server", crashing.Url, "--token", token, "stack", "create", name, "-t", template);
            await crashing.ExitedAsync();
        }

        CopyState(serverState, folder.Combine("local-state"));
        using var both = await BothWays.StartAsync(folder, "--interrupted", "leave");
        string[][] scenario =
        [
            ["stack", "list"],
            ["stack", "show", "a"],
            ["stack", "update", "a", "--existing"],
            ["stack", "resume", "a"],
            ["stack", "cancel", "b", "-f", "json"],
            ["stack", "show", "b"],
            ["stack", "resume", "a"],
            ["stack", "cancel", "a"],
            ["stack", "resume", "missing"],
            ["stack", "list"],
        ];

        var results = new List<(int ExitCode, string Out, string Error)>();
        foreach (var args in scenario)
        {
            results.Add(await both.RunAsync(args));
        }

        results[1].Out.ShouldContain("CREATE_IN_PROGRESS (interrupted)");
        results[2].ExitCode.ShouldBe(3);
        results[3].ExitCode.ShouldBe(0, results[3].Error);
        results[3].Out.ShouldContain("Hello world");
        results[4].ExitCode.ShouldBe(0, results[4].Error);
        results[6].ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Cancel_OperationTheServerRuns_StopsItAndItRollsBack()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var template = folder.File("demo.yaml", Templates.Greeting);
        var hooks = folder.File("hooks.yaml", Templates.Hooks);
        string[] remote = ["--server", both.Url, "--token", both.Token];
        var create = RunningHearth.Start(both.ClientState, [.. remote, "stack", "create", "hooked", "-t", template, "-e", hooks]);
        await Poll.UntilAsync(async () => (await both.RemoteAsync("stack", "hook", "list", "hooked", "-f", "json")).Out.Contains("pre-create", StringComparison.Ordinal), "after pauses at its hook");

        var cancel = await both.RemoteAsync("stack", "cancel", "hooked");
        var created = await create.EndAsync();

        cancel.ExitCode.ShouldBe(0, cancel.Error);
        // The cancel follows what it stopped, as a local run shows its own: the stop, the rollback, then how it ended.
        cancel.Error.ShouldContain(" after CREATE_FAILED stopped while paused at Hook pre-create: the operation was cancelled by the user\n");
        cancel.Error.ShouldContain(" hooked ROLLBACK_IN_PROGRESS Stack ROLLBACK started\n");
        cancel.Error.ShouldEndWith("\nStack hooked ROLLBACK_COMPLETE: Stack ROLLBACK completed successfully\n");
        created.ExitCode.ShouldBe(1, created.Error);
        (await both.RemoteAsync("stack", "show", "hooked")).Out.ShouldContain("ROLLBACK_COMPLETE");
    }

    [Fact]
    public async Task Create_ScriptFailsLocalAndThroughServer_PrintsTheSameProgressAndFailureWithItsTailsMasked()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var template = folder.File("failing.yaml", Templates.FailingScript);

        var local = await both.LocalAsync("stack", "create", "failing", "-t", template);
        var remote = await both.RemoteAsync("stack", "create", "failing", "-t", template);

        remote.ExitCode.ShouldBe(1, remote.Error);
        remote.ExitCode.ShouldBe(local.ExitCode, local.Error);
        remote.Out.ShouldBe(local.Out);
        var what = $"--- local\n{local.Error}\n--- server\n{remote.Error}";
        ProgressMasked(remote.Error).ShouldBe(ProgressMasked(local.Error), what);

        // What was compared is what a failed run must show: each step as it happened, the failure with the script's words, no secret.
        var error = ProgressMasked(remote.Error);
        error.ShouldContain("TIME failing CREATE_IN_PROGRESS");
        error.ShouldContain("TIME server CREATE_COMPLETE");
        error.ShouldContain("TIME failing ROLLBACK_COMPLETE Stack ROLLBACK completed successfully\nStack failing ROLLBACK_COMPLETE");
        error.ShouldContain("TIME deployment CREATE_FAILED Deployment to server failed: Deployment exited with non-zero status code: 3\n    cannot log in as ******\n");
        error.ShouldEndWith("""
              failed: deployment: Deployment to server failed: Deployment exited with non-zero status code: 3
                deployment stderr:
                  cannot log in as ******
                deployment stdout:
                  step 1
                  logging in as ******

            """.ReplaceLineEndings("\n"));
        remote.Error.ShouldNotContain("s3cr3t-value");
    }

    /// <summary>Progress lines start with the time of day, which differs between any two runs.</summary>
    private static string ProgressMasked(string text) => Regex.Replace(BothWays.Masked(text), @"(?m)^\d\d:\d\d:\d\d ", "TIME ");

    /// <summary>A copy of a state no process has open (File.Copy keeps each file's mode: private, as hearth made it).</summary>
    private static void CopyState(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
