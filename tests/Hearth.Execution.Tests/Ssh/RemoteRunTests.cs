using Hearth.Execution.Hosts;
using Hearth.Execution.Scripts;
using Hearth.Execution.Ssh;
using Hearth.Testing.Sshd;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>The remote run record: a retry of an attempt (its connection failed) asks what happened instead of running again.</summary>
public class RemoteRunTests(SshHosts hosts) : SshTransportFixture(hosts)
{
    [Fact]
    public async Task Run_SameAttemptAgainAfterItEnded_ReportsTheFirstRunWithoutRunningAgain()
    {
        var connection = Connection();
        var words = RunWords("attempt1");
        var payload = RemoteEnvironment.Payload([], "CREATE", "#!/bin/sh\necho ran >> count\necho out\nexit 5\n", [], EngineIdentity.Current);

        var first = await connection.RequestAsync("run", words, payload, CancellationToken.None).Within();
        var second = await connection.RequestAsync("run", words, payload, CancellationToken.None).Within();

        foreach (var reply in new[] { first, second })
        {
            var run = RemoteReply.Parse(reply.Stdout, "outputs/CREATE", 1000, ScriptTermination.Exited).ShouldNotBeNull().Run.ShouldNotBeNull();
            run.ExitCode.ShouldBe(5);
            run.Stdout.ShouldBe("out\n");
        }

        (await File.ReadAllTextAsync(Path.Combine(RemoteFolder, "count"))).ShouldBe("ran\n");
    }

    [Fact]
    public async Task Run_SameAttemptWhileItRuns_WaitsForItAndRunsNothingTwice()
    {
        var connection = Connection();
        var words = RunWords("attempt2");
        var payload = RemoteEnvironment.Payload([], "CREATE", "#!/bin/sh\necho ran >> count\nsleep 1\necho done\n", [], EngineIdentity.Current);

        var first = connection.RequestAsync("run", words, payload, CancellationToken.None);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(RemoteFolder, "count")), "the first run started");
        var retry = await connection.RequestAsync("run", words, payload, CancellationToken.None).Within();

        RemoteReply.Parse(retry.Stdout, "outputs/CREATE", 1000, ScriptTermination.Exited).ShouldNotBeNull().Run.ShouldNotBeNull().Stdout.ShouldBe("done\n");
        (await first.Within()).ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(Path.Combine(RemoteFolder, "count"))).ShouldBe("ran\n");
    }

    [Fact]
    public async Task Run_ConnectionDroppedMidRun_ReportsTheRunWithItsStatusFromANewSessionWithoutRunningItAgain()
    {
        var connection = Connection();
        var marker = "hearth-ssh-dropped-" + Guid.NewGuid().ToString("N");
        var payload = RemoteEnvironment.Payload([], "CREATE", $"#!/bin/sh\necho ran >> count\nexec sh -c 'sleep 2; echo done; exit 3' {marker}\n", [], EngineIdentity.Current);

        var running = connection.RequestAsync("run", RunWords("attempt3"), payload, CancellationToken.None);
        var (script, job, dispatcher) = await RunningScriptAsync(marker);
        // The host's end of the connection goes, as when the network drops: the session's sshd process. sshd signals
        // nothing it started without a terminal, so the dispatcher and its job live on; the job records the status.
        var sshd = ProcessTable.Parent(dispatcher).ShouldNotBeNull();
        await KillTheUsersAsync(sshd);

        var reply = await running.Within();

        var run = RemoteReply.Parse(reply.Stdout, "outputs/CREATE", 1000, ScriptTermination.Exited).ShouldNotBeNull().Run.ShouldNotBeNull();
        run.ExitCode.ShouldBe(3);
        run.Stdout.ShouldBe("done\n");
        (await File.ReadAllTextAsync(Path.Combine(RemoteFolder, "count"))).ShouldBe("ran\n");
        ProcessTable.Stat(script).ShouldBeNull();
        ProcessTable.Stat(job).ShouldBeNull();
    }

    [Fact]
    public async Task Run_DispatcherAndItsJobKilledMidRun_ReportsTheRunEndedWithoutAStatusAndRunsNothingTwice()
    {
        var connection = Connection();
        var marker = "hearth-ssh-dispatcher-" + Guid.NewGuid().ToString("N");
        var payload = RemoteEnvironment.Payload([], "CREATE", $"#!/bin/sh\necho ran >> count\nexec sh -c 'sleep 2; echo done' {marker}\n", [], EngineIdentity.Current);

        var running = connection.RequestAsync("run", RunWords("attempt4"), payload, CancellationToken.None);
        var (_, job, dispatcher) = await RunningScriptAsync(marker);
        // The script is in a session of its own: it runs on, but the job that would record its status is gone.
        await KillTheUsersAsync(dispatcher);
        await KillTheUsersAsync(job);

        var reply = await running.Within();

        ProcessTable.Stat(dispatcher).ShouldBeNull();
        var run = RemoteReply.Parse(reply.Stdout, "outputs/CREATE", 1000, ScriptTermination.Exited).ShouldNotBeNull().Run.ShouldNotBeNull();
        run.Termination.ShouldBe(ScriptTermination.Exited);
        run.ExitCode.ShouldBeNull();
        run.Stdout.ShouldBe("done\n");
        (await File.ReadAllTextAsync(Path.Combine(RemoteFolder, "count"))).ShouldBe("ran\n");
    }

    [Fact]
    public async Task CommandHost_Arguments_ReachTheProgramAsTheyAre()
    {
        var host = Transports.CommandHost(Server(0));
        string[] words = ["a b", "$(touch /tmp/x)", "'q'", "*", ";", "`id`"];

        var result = await host.RunAsync(new HostCommand(["printf", "%s\\n", .. words]), CancellationToken.None).Within();

        result.ExitCode.ShouldBe(0);
        result.StandardOutput.ShouldBe(string.Concat(words.Select(w => w + "\n")));
        host.Description.ShouldBe($"ssh {SshHosts.User}@{Hosts.Hosts[0].Address}:{Hosts.Hosts[0].Port}");
    }

    [Fact]
    public async Task CommandHost_EnvironmentAndStdin_ReachTheProgramOutsideAnyCommandLine()
    {
        var host = Transports.CommandHost(Server(0));
        var secret = "env-secret-" + Guid.NewGuid().ToString("N");

        var result = await host.RunAsync(
            new HostCommand(["sh", "-c", "printf '%s|' \"$TOKEN\"; cat; echo oops >&2"], "from stdin", new Dictionary<string, string> { ["TOKEN"] = secret }),
            CancellationToken.None).Within();

        result.StandardOutput.ShouldBe($"{secret}|from stdin");
        result.StandardError.ShouldBe("oops\n");
    }

    [Fact]
    public async Task CommandHost_ProgramExits255_IsItsResultAndRunsOnce()
    {
        var host = Transports.CommandHost(Server(0));
        var counter = Path.Combine("/tmp", "hearth-ssh-count-" + Guid.NewGuid().ToString("N"));

        var result = await host.RunAsync(new HostCommand(["sh", "-c", $"echo ran >> {counter}; exit 255"]), CancellationToken.None).Within();

        result.ExitCode.ShouldBe(255);
        (await File.ReadAllTextAsync(counter)).ShouldBe("ran\n");
        File.Delete(counter);
    }

    /// <summary>A login that writes to stderr before the program starts does not make a 255 of the program's look like ssh's (run again).</summary>
    [Fact]
    public async Task CommandHost_LoginWritesToStderrProgramExits255_IsItsResultAndRunsOnce()
    {
        var key = await Hosts.ChattyKeyFileAsync("warning: setlocale: LC_ALL: cannot change locale", onStderr: true);
        var host = Transports.CommandHost(Server(Hosts.Hosts[0], keyFile: key));
        var counter = Path.Combine("/tmp", "hearth-ssh-count-" + Guid.NewGuid().ToString("N"));

        var result = await host.RunAsync(new HostCommand(["sh", "-c", $"echo ran >> {counter}; exit 255"]), CancellationToken.None).Within();

        result.ExitCode.ShouldBe(255);
        (await File.ReadAllTextAsync(counter)).ShouldBe("ran\n");
        File.Delete(counter);
    }

    [Fact]
    public async Task CommandHost_MoreOutputThanKept_GivesItsTailAsOnThisMachine()
    {
        var host = Transports.CommandHost(Server(0));

        var result = await host.RunAsync(new HostCommand(["sh", "-c", "head -c 1048676 /dev/zero | tr '\\0' a; echo end"]), CancellationToken.None).Within();

        result.ExitCode.ShouldBe(0);
        result.StandardOutput.ShouldStartWith("[hearth: output truncated, the first 104 bytes were dropped]\naaa");
        result.StandardOutput.ShouldEndWith("aend\n");
    }

    [Fact]
    public async Task CommandHost_NothingListening_ThrowsHostUnreachable()
    {
        var host = Transports.CommandHost(Server(Hosts.Hosts[0] with { Port = Hosts.Hosts[0].Port + 1 }, keyFile: Hosts.KeyFile));

        var error = await Should.ThrowAsync<HostUnreachableException>(host.RunAsync(new HostCommand(["true"]), CancellationToken.None).Within());

        error.Message.ShouldContain("Connection refused");
    }

    /// <summary>The script (its session leader, the process that ran its marker), the dispatcher's job that waits for it, the dispatcher.</summary>
    private static async Task<(int Script, int Job, int Dispatcher)> RunningScriptAsync(string marker)
    {
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the script runs");
        var script = ProcessTable.WithMarker(marker).Single();
        var leader = ProcessTable.Stat(script).ShouldNotBeNull().Session;
        leader.ShouldBe(script);
        var job = ProcessTable.Parent(script).ShouldNotBeNull();
        return (script, job, ProcessTable.Parent(job).ShouldNotBeNull());
    }

    private static async Task KillTheUsersAsync(int pid)
    {
        // Only the test user's processes: a wrong pid here must not take anything else down.
        (await SshHosts.IsTheUsersAsync(pid)).ShouldBeTrue();
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill(entireProcessTree: false);
    }

    private SshConnection Connection()
    {
        var folder = new SshFolder(StateRoot);
        folder.Prepare();
        return new SshConnection(SshTarget.From(Server(0)), Options, folder, new SemaphoreSlim(1), new SshClientStarts(), broker: null, TimeProvider.System);
    }

    private string[] RunWords(string attempt) => [DeploymentId, "CREATE", attempt, "1"];
}
