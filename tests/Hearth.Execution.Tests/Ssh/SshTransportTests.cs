using Hearth.Execution.Ssh;
using Hearth.Testing.Sshd;

namespace Hearth.Execution.Tests.Ssh;

public class SshTransportTests(SshHosts hosts) : SshTransportFixture(hosts)
{
    [Fact]
    public async Task DeployAsync_EachHost_RunsThereWithItsOutputs()
    {
        const string script = """
            #!/bin/sh
            set -- $SSH_CONNECTION
            printf '%s' "$3" > "${heat_outputs_path}.address"
            printf '%s' "$greeting" > "${heat_outputs_path}.greeting"
            echo "on $3"
            echo warned >&2
            """;
        for (var i = 0; i < Hosts.Hosts.Count; i++)
        {
            var result = await Transport(i).DeployAsync(
                Request(script, [new DeploymentInput("greeting", DeploymentValueType.String, "hello")], [new("address"), new("greeting")], deploymentId: $"{DeploymentId}-{i}"),
                CancellationToken.None).Within();

            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
            result.ExitCode.ShouldBe(0);
            result.Outputs["address"].ShouldBe(Hosts.Hosts[i].Address);
            result.Outputs["greeting"].ShouldBe("hello");
            result.Stdout.ShouldBe($"on {Hosts.Hosts[i].Address}\n");
            result.Stderr.ShouldBe("warned\n");
            Directory.Delete($"{RemoteFolder}-{i}", recursive: true);
        }
    }

    [Fact]
    public async Task Prepare_StartsTheHostsDispatcher_TheFirstDeploymentUsesItAndDisposeEndsIt()
    {
        var folder = await UseOwnRemoteRootAsync("prepare");
        string[] Sessions() => Directory.Exists(folder) ? Directory.GetFiles(folder, ".s*.token") : [];

        Transports.Prepare(Server(0));

        // Nothing was asked of the host but to get ready: its dispatcher's session (its reply token) appears.
        (await Poll.UntilAsync(() => Sessions().Length == 1, TestTimeouts.Default)).ShouldBeTrue("the dispatcher started");
        var session = Sessions().Single();
        var result = await Transport(0).DeployAsync(Request("#!/bin/sh\necho ran\n"), CancellationToken.None).Within();
        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stdout.ShouldBe("ran\n");
        Sessions().ShouldBe([session], "the deployment went through the session the preparation started");

        await Transports.DisposeAsync();
        (await Poll.UntilAsync(() => Sessions().Length == 0, TestTimeouts.Default)).ShouldBeTrue("the dispatcher removed its files as it ended");
    }

    [Fact]
    public async Task Prepare_NothingListening_TheDeploymentStillFailsSayingTheHostCouldNotBeReached()
    {
        var host = Hosts.Hosts[0] with { Port = Hosts.Hosts[0].Port + 1 };
        var server = Server(host, keyFile: Hosts.KeyFile);

        Transports.Prepare(server);
        var result = await Transports.For(server).DeployAsync(Request("#!/bin/sh\necho ok\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith($"could not reach ssh {SshHosts.User}@{host.Address}:{host.Port} (");
        result.StatusReason.ShouldContain("Connection refused");
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(3000, true)]
    [InlineData(10, false)]
    [InlineData(3000, false)]
    public async Task DeployAsync_ShortAndLongParts_ArriveByteForByte(int size, bool endsWithNewline)
    {
        // Short parts made of whole lines are read by the dispatcher's own `read`, others by `head`: both must be exact,
        // and what follows them on the session must still be read right (a second run on the same session).
        var value = string.Concat(Enumerable.Repeat("a\\b\r\t'\"$x\n", size / 10)) + "end";
        var script = "#!/bin/sh\n# " + new string('#', size) + "\nprintf '%s' \"$value\"\nprintf '%s' \"$value\" > \"$heat_outputs_path.copy\"" + (endsWithNewline ? "\n" : "");
        for (var run = 0; run < 2; run++)
        {
            var result = await Transport().DeployAsync(
                Request(script, [new DeploymentInput("value", DeploymentValueType.String, value)], [new("copy")], deploymentId: $"{DeploymentId}-{run}"),
                CancellationToken.None).Within();

            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
            result.Stdout.ShouldBe(value);
            result.Outputs["copy"].ShouldBe(value);
            File.ReadAllText(Path.Combine($"{RemoteFolder}-{run}", "CREATE")).ShouldBe(script);
            Directory.Delete($"{RemoteFolder}-{run}", recursive: true);
        }
    }

    [Fact]
    public async Task DeployAsync_NonAsciiOutputNamesAndText_ReportedByteForByte()
    {
        // The dispatcher counts the reply's bytes itself (no wc): a name or text of multi-byte characters must not
        // shift the frame, or every later reply on the session would be read wrong.
        const string script = """
            #!/bin/sh
            printf 'ünïcödé' > "${heat_outputs_path}.été"
            printf 'plain' > "${heat_outputs_path}.after"
            echo 'Grüße, 世界'
            echo 'éé' >&2
            """;
        for (var run = 0; run < 2; run++)
        {
            var result = await Transport().DeployAsync(Request(script, [], [new("été"), new("after")], deploymentId: $"{DeploymentId}-{run}"),
                CancellationToken.None).Within();

            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
            result.Outputs["été"].ShouldBe("ünïcödé");
            result.Outputs["after"].ShouldBe("plain");
            result.Stdout.ShouldBe("Grüße, 世界\n");
            result.Stderr.ShouldBe("éé\n");
        }
    }

    [Fact]
    public async Task DeployAsync_DockerCmdConfig_DrivesPodmanOnTheHostNeverRunsTheConfigAsAScript()
    {
        var image = $"localhost/hearth-absent-{DeploymentId}:1";
        var request = Request($"web:\n  image: {image}\n  command: [sh, -c, 'true']\n") with { Group = ConfigGroups.DockerCmd };

        var result = await Transport().DeployAsync(request, CancellationToken.None).Within();

        // The image is on no host: podman, asked over SSH by the docker-cmd hook, says so. Before, the YAML ran as a script.
        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldContain(image);
        File.Exists(Path.Combine(RemoteFolder, "CREATE")).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_NonZeroExit_FailsWithTheStderrBesideACleanReason()
    {
        var result = await Transport().DeployAsync(Request("echo broken >&2\nexit 3\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(3);
        result.StatusReason.ShouldBe("Deployment exited with non-zero status code: 3");
        result.Stderr.ShouldBe("broken\n");
    }

    [Fact]
    public async Task DeployAsync_InterpreterTheHostLacks_FailsSayingSoAsOnThisMachine()
    {
        var result = await Transport().DeployAsync(Request("#!/usr/bin/no-such-interpreter -e\necho ran\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(127);
        result.StatusReason.ShouldStartWith(
            $"Could not start the script on ssh {SshHosts.User}@{Hosts.Hosts[0].Address}:{Hosts.Hosts[0].Port}: the interpreter on its #! line (/usr/bin/no-such-interpreter) was not found there (setsid: failed to execute ");
    }

    [Fact]
    public async Task DeployAsync_WorkingFolder_PrivateUnderTheUsersHome()
    {
        var result = await Transport().DeployAsync(Request("#!/bin/sh\npwd\necho \"$0\"\n"), CancellationToken.None).Within();

        // Run by its absolute path, as on this machine (and as heat-config runs its scripts).
        result.Stdout.ShouldBe($"{RemoteFolder}\n{RemoteFolder}/CREATE\n");
        File.GetUnixFileMode(RemoteFolder).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Path.Combine(RemoteFolder, "CREATE")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The inputs never reach a file on the server (the script's shell reads them from a here-document): they may be secrets.
        Directory.EnumerateFiles(RemoteFolder, "env", SearchOption.AllDirectories).ShouldBeEmpty();

        // A later action's script (written beside the record first, then put in place) is run the same way.
        var update = await Transport().DeployAsync(Request("#!/bin/sh\necho \"$0\"\n", action: "UPDATE"), CancellationToken.None).Within();
        update.Stdout.ShouldBe($"{RemoteFolder}/UPDATE\n");
        File.GetUnixFileMode(Path.Combine(RemoteFolder, "UPDATE")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The CREATE run's record went (while the UPDATE script ran): records do not pile up on the host.
        Directory.GetDirectories(Path.Combine(RemoteFolder, "runs")).Select(Path.GetFileName).ShouldHaveSingleItem().ShouldStartWith("UPDATE.");
        // Without a shebang a script is run by sh, as on LOCAL: it need not be executable.
        var plain = await Transport().DeployAsync(Request("echo \"$0\"\n", deploymentId: DeploymentId + "-plain"), CancellationToken.None).Within();
        plain.Stdout.ShouldBe($"{RemoteFolder}-plain/CREATE\n");
        Directory.Delete($"{RemoteFolder}-plain", recursive: true);
    }

    [Fact]
    public async Task DeployAsync_MetacharactersInInputs_StayInert()
    {
        // In /tmp, where the test user's script could create it if anything in the value ran.
        var marker = Path.Combine("/tmp", "hearth-pwned-" + DeploymentId);
        var value = $"a'b\"c $(touch {marker}) `touch {marker}` ; touch {marker} \\ $HOME\nline2 *";

        var result = await Transport().DeployAsync(
            Request("#!/bin/sh\nprintf '%s' \"$evil\"\n", [new DeploymentInput("evil", DeploymentValueType.String, value)]),
            CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stdout.ShouldBe(value);
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_HiddenInput_AbsentFromEveryCommandLineWhileTheScriptRuns()
    {
        var secret = "s3cret-" + Guid.NewGuid().ToString("N");
        var started = Path.Combine(RemoteFolder, "started");
        var deploying = Transport().DeployAsync(
            Request("#!/bin/sh\ntouch started\nsleep 2\n", [new DeploymentInput("password", DeploymentValueType.String, secret)]),
            CancellationToken.None);

        await Poll.UntilAsync(() => File.Exists(started), "the script started");
        // Every process on the machine: the engine's ssh client and the target's shells alike (the target is this machine).
        ProcessTable.WithMarker(secret).ShouldBeEmpty();
        var result = await deploying.Within();
        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
    }

    [Fact]
    public async Task DeployAsync_Timeout_KillsTheRemoteProcessTree()
    {
        var marker = "hearth-ssh-timeout-" + Guid.NewGuid().ToString("N");
        var script = $"#!/bin/sh\nsh -c 'sleep 300; :' {marker} &\nsh -c 'sleep 301; :' {marker}\n";

        var result = await Transport().DeployAsync(Request(script, timeout: TimeSpan.FromSeconds(2)), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.TimedOut);
        result.StatusReason.ShouldBe("Deployment timed out after 2s");
        (await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count == 0, TestTimeouts.Default)).ShouldBeTrue("the script and its background child are killed");
    }

    [Fact]
    public async Task DeployAsync_Cancelled_KillsTheScriptAndSaysSo()
    {
        var marker = "hearth-ssh-cancel-" + Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource();
        var deploying = Transport().DeployAsync(Request($"#!/bin/sh\ntouch started\nexec sh -c 'sleep 300; :' {marker}\n"), cancel.Token);
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the script runs");

        await cancel.CancelAsync();
        var result = await deploying.Within();

        result.Status.ShouldBe(DeploymentStatus.Cancelled);
        ProcessTable.WithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeployAsync_LargeOutput_KeepsTheTailWithAMarker()
    {
        Transports = new(Options with { MaxCapturedBytes = 1000 }, TimeProvider.System);

        var result = await Transport().DeployAsync(Request("#!/bin/sh\nhead -c 5000 /dev/zero | tr '\\0' a\nprintf 'END'\n"), CancellationToken.None).Within();

        result.Stdout.ShouldStartWith("[hearth: output truncated, the first 4003 bytes were dropped]\n");
        result.Stdout.ShouldEndWith("aEND");
    }

    [Fact]
    public async Task DeployAsync_OutputThatIsALink_FailsTheDeployment()
    {
        var result = await Transport().DeployAsync(Request("#!/bin/sh\nln -s /etc/passwd \"${heat_outputs_path}.x\"\n", outputs: [new("x")]), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldContain("The output 'x' was not read:");
        result.StatusReason.ShouldContain("is a symbolic link, and outputs are read from regular files only");
    }

    [Fact]
    public async Task DeployAsync_InputNameNotAShellName_FailsBeforeAnythingRuns()
    {
        var result = await Transport().DeployAsync(
            Request("#!/bin/sh\ntouch ran\n", [new DeploymentInput("my-input", DeploymentValueType.String, "x")]), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith("Input name 'my-input' cannot be an environment variable on a server reached over SSH");
        File.Exists(Path.Combine(RemoteFolder, "ran")).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_WrongKnownHostKey_FailsSayingSoAndRunsNothing()
    {
        var otherKey = Hosts.Hosts[1].HostKey;
        var transport = Transports.For(Server(Hosts.Hosts[0], keyFile: Hosts.KeyFile, knownHostKey: otherKey));

        var result = await transport.DeployAsync(Request("#!/bin/sh\ntouch ran\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith($"the host key of ssh {SshHosts.User}@{Hosts.Hosts[0].Address}:{Hosts.Hosts[0].Port} is not its ssh.known_host_key: nothing was run there.");
        Directory.Exists(RemoteFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_UnknownHostWithoutKnownHostKey_FailsNamingHearthsKnownHosts()
    {
        var server = Server(Hosts.Hosts[0], keyFile: Hosts.KeyFile);
        ((Dictionary<string, object?>)server.Properties["ssh"]!)["known_host_key"] = null;

        var result = await Transports.For(server).DeployAsync(Request("#!/bin/sh\ntouch ran\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldContain($"is not in Hearth's known_hosts ({Transports.KnownHostsFile})");
        result.StatusReason.ShouldContain($"ssh-keyscan -p {Hosts.Hosts[0].Port} {Hosts.Hosts[0].Address} >> {Transports.KnownHostsFile}");
        Directory.Exists(RemoteFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_KeyInHearthsKnownHosts_Connects()
    {
        var host = Hosts.Hosts[0];
        var server = Server(host, keyFile: Hosts.KeyFile);
        ((Dictionary<string, object?>)server.Properties["ssh"]!)["known_host_key"] = null;
        var transport = Transports.For(server);
        await File.WriteAllTextAsync(Transports.KnownHostsFile, $"[{host.Address}]:{host.Port} {host.HostKey}\n");

        var result = await transport.DeployAsync(Request("#!/bin/sh\necho ok\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
    }

    [Fact]
    public async Task DeployAsync_NothingListening_FailsSayingTheHostCouldNotBeReached()
    {
        var host = Hosts.Hosts[0] with { Port = Hosts.Hosts[0].Port + 1 };
        var transport = Transports.For(Server(host, keyFile: Hosts.KeyFile));

        var result = await transport.DeployAsync(Request("#!/bin/sh\necho ok\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith($"could not reach ssh {SshHosts.User}@{host.Address}:{host.Port} (4 tries):");
        result.StatusReason.ShouldContain("Connection refused");
    }

    /// <summary>A host whose dispatcher says it is ready and then answers nothing (a hung filesystem under its home): a stop gives up in time, saying so.</summary>
    [Fact]
    public async Task StopLeftoverAsync_DispatcherThatNeverAnswers_FailsInTimeSayingTheHostIsStuck()
    {
        var key = await Hosts.KeyFileLoggingInToAsync("printf '0 0 0\\n'; cat > /dev/null");
        await using var transports = new SshTransports(Options with { AnswerWait = TimeSpan.FromSeconds(2) }, TimeProvider.System);
        var transport = transports.For(Server(Hosts.Hosts[0], keyFile: key, knownHostKey: Hosts.Hosts[0].HostKey));

        var result = await transport.StopLeftoverAsync(DeploymentId, CancellationToken.None).Within();

        result.ShouldNotBeNull().Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe($"Could not look for a script left running: ssh {SshHosts.User}@{Hosts.Hosts[0].Address}:{Hosts.Hosts[0].Port} did not answer Hearth's 'stop' within 2 s: "
            + "its dispatcher is stuck (a hung filesystem under the user's home?), or the connection is");
    }

    /// <summary>A host that accepts the connection and never speaks: cancelling gives up on it, without a stop that would wait for it too.</summary>
    [Fact]
    public async Task DeployAsync_CancelledWhileTheHostSaysNothing_EndsCancelled()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.Socket>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await silent.AcceptSocketAsync(stopAccepting.Token));
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });
        var host = Hosts.Hosts[0] with { Address = "127.0.0.1", Port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port };
        var transport = Transports.For(Server(host, keyFile: Hosts.KeyFile));
        using var cancel = new CancellationTokenSource();

        var deploying = transport.DeployAsync(Request("#!/bin/sh\necho ok\n"), cancel.Token);
        await Poll.UntilAsync(() => !held.IsEmpty, "ssh connected to the silent host");
        await cancel.CancelAsync();
        var result = await deploying.Within();

        result.Status.ShouldBe(DeploymentStatus.Cancelled, result.StatusReason);
        await stopAccepting.CancelAsync();
        await accepting.Within();
        foreach (var socket in held)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task DeployAsync_KeyTheHostRefuses_FailsAtOnceSayingWhatToCheck()
    {
        using var keys = new TempDirectory();
        var key = Path.Combine(keys.Path, "stranger");
        using (var keygen = System.Diagnostics.Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]))
        {
            await keygen.WaitForExitAsync().Within();
            keygen.ExitCode.ShouldBe(0);
        }

        var host = Hosts.Hosts[0];
        var transport = Transports.For(Server(host, keyFile: key, knownHostKey: host.HostKey));

        var result = await transport.DeployAsync(Request("#!/bin/sh\necho ran\n"), CancellationToken.None).Within();

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldStartWith($"could not log in to ssh {SshHosts.User}@{host.Address}:{host.Port}: the host refused the key (");
        result.StatusReason.ShouldContain("Permission denied");
        result.StatusReason.ShouldContain("authorized_keys");
        // Not retried as if the connection had dropped.
        result.StatusReason.ShouldNotContain("tries");
        result.Stdout.ShouldBeEmpty();
    }

    [Fact]
    public async Task StopLeftoverAsync_ScriptOfADeadRun_IsKilledAndNamed()
    {
        var marker = "hearth-ssh-leftover-" + Guid.NewGuid().ToString("N");
        // A run whose engine gave up on it (its connection is gone): the script runs on, detached from the session.
        _ = Transport().DeployAsync(Request($"#!/bin/sh\nexec sh -c 'sleep 300; :' {marker}\n", timeout: Timeout.InfiniteTimeSpan), CancellationToken.None);
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the script runs");

        var stopped = await Transport().StopLeftoverAsync(DeploymentId, CancellationToken.None).Within();

        stopped.ShouldNotBeNull();
        stopped.Status.ShouldBe(DeploymentStatus.Complete);
        stopped.StatusReason.ShouldStartWith("Stopped the CREATE script left running by an interrupted operation (pid ");
        stopped.StatusReason.ShouldEndWith($" on ssh {SshHosts.User}@{Hosts.Hosts[0].Address}:{Hosts.Hosts[0].Port})");
        ProcessTable.WithMarker(marker).ShouldBeEmpty();
        (await Transport().StopLeftoverAsync(DeploymentId, CancellationToken.None).Within()).ShouldBeNull();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StopOrphansAsync_RunOfAnEngineThatIsGone_IsStoppedWhicheverHearthMadeItsRecord(bool earlierHearth)
    {
        // A root of its own: the listing sees no other test's runs (a crash test's leftovers belong to it).
        var folder = await UseOwnRemoteRootAsync("orphans");
        var marker = "hearth-ssh-orphan-" + Guid.NewGuid().ToString("N");
        var running = Transport().DeployAsync(Request($"#!/bin/sh\nexec sh -c 'sleep 300; :' {marker}\n", timeout: Timeout.InfiniteTimeSpan), CancellationToken.None);
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the script runs");
        var record = Directory.GetDirectories(Path.Combine(folder, DeploymentId, "runs"), "CREATE.*").ShouldHaveSingleItem();
        var pidFile = Path.Combine(record, "pid");
        // The script can start before the job that started it writes the pid file: the file may not exist yet.
        (await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllLines(pidFile).Length == 2, TestTimeouts.Default)).ShouldBeTrue("the pid file is written");
        var lines = await File.ReadAllLinesAsync(pidFile);
        lines[1].ShouldBe(EngineIdentity.Current, "the record names the engine that asked for the run, after the script's pid");
        File.Exists(Path.Combine(record, "engine")).ShouldBeFalse("this Hearth keeps the engine in the pid file");

        // The engine that started it is gone: a process of this machine that does not exist.
        var gone = $"{Environment.MachineName} {int.MaxValue} 1";
        if (earlierHearth)
        {
            // The layout an earlier Hearth wrote: the pid file holds the pid alone, the engine has a file of its own.
            await File.WriteAllTextAsync(pidFile, lines[0] + "\n");
            await File.WriteAllTextAsync(Path.Combine(record, "engine"), gone + "\n");
        }
        else
        {
            await File.WriteAllTextAsync(pidFile, $"{lines[0]}\n{gone}\n");
        }

        var stopped = await Transports.StopOrphansAsync(CancellationToken.None).Within();

        stopped.ShouldHaveSingleItem().ShouldStartWith("the CREATE script left running by an interrupted operation (pid ");
        ProcessTable.WithMarker(marker).ShouldBeEmpty();
        (await running.Within()).Status.ShouldNotBe(DeploymentStatus.Complete, "its script was killed");
    }

    [Fact]
    public async Task StopOrphansAsync_RunOfThisEngine_IsLeftRunning()
    {
        var folder = await UseOwnRemoteRootAsync("orphans");
        using var cancel = new CancellationTokenSource();
        var marker = "hearth-ssh-mine-" + Guid.NewGuid().ToString("N");
        var running = Transport().DeployAsync(Request($"#!/bin/sh\nexec sh -c 'sleep 300; :' {marker}\n", timeout: Timeout.InfiniteTimeSpan), cancel.Token);
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the script runs");
        var record = Directory.GetDirectories(Path.Combine(folder, DeploymentId, "runs"), "CREATE.*").ShouldHaveSingleItem();
        var pidFile = Path.Combine(record, "pid");
        (await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllLines(pidFile).Length == 2, TestTimeouts.Default)).ShouldBeTrue("the pid file is written");

        (await Transports.StopOrphansAsync(CancellationToken.None).Within()).ShouldBeEmpty("its engine is this one, alive");

        ProcessTable.WithMarker(marker).ShouldNotBeEmpty();
        await cancel.CancelAsync();
        (await running.Within()).Status.ShouldBe(DeploymentStatus.Cancelled);
    }

    [Fact]
    public async Task StopLeftoverAsync_AfterAScriptThatEndedAtOnce_FindsNothing()
    {
        // The script ends before its start time is noted: an ended run, not one to stop.
        (await Transport().DeployAsync(Request("#!/bin/sh\n"), CancellationToken.None).Within()).Status.ShouldBe(DeploymentStatus.Complete);

        (await Transport().StopLeftoverAsync(DeploymentId, CancellationToken.None).Within()).ShouldBeNull();
        var again = await Transport().DeployAsync(Request("#!/bin/sh\necho again\n", action: "UPDATE"), CancellationToken.None).Within();
        again.Stderr.ShouldBe("");
        again.Stdout.ShouldBe("again\n");
    }

    [Fact]
    public async Task DeployAsync_ScriptOfADeadRunStillGoing_StoppedFirstAndNotedInStderr()
    {
        var marker = "hearth-ssh-next-" + Guid.NewGuid().ToString("N");
        _ = Transport().DeployAsync(Request($"#!/bin/sh\nexec sh -c 'sleep 300; :' {marker}\n", timeout: Timeout.InfiniteTimeSpan), CancellationToken.None);
        await Poll.UntilAsync(() => ProcessTable.WithMarker(marker).Count > 0, "the first script runs");

        var next = await Transport().DeployAsync(Request("#!/bin/sh\necho next\n", action: "DELETE"), CancellationToken.None).Within();

        next.Status.ShouldBe(DeploymentStatus.Complete, next.StatusReason);
        next.Stdout.ShouldBe("next\n");
        next.Stderr.ShouldStartWith("[hearth: Stopped the CREATE script left running by an interrupted operation (pid ");
        ProcessTable.WithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task RemoveAsync_DeletesTheWorkingFolderOnTheHost()
    {
        (await Transport().DeployAsync(Request("#!/bin/sh\necho x > kept\n"), CancellationToken.None).Within()).Status.ShouldBe(DeploymentStatus.Complete);
        Directory.Exists(RemoteFolder).ShouldBeTrue();

        await Transport().RemoveAsync(DeploymentId, CancellationToken.None).Within();

        Directory.Exists(RemoteFolder).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_ManyAtOnceOnOneHost_AllCompleteOverOneConnection()
    {
        var runs = Enumerable.Range(0, 20).Select(i =>
            Transport().DeployAsync(Request($"#!/bin/sh\necho {i}\n", deploymentId: $"{DeploymentId}-{i}"), CancellationToken.None)).ToList();

        var results = await Task.WhenAll(runs).Within();

        results.Select(r => r.Stdout).ShouldBe(Enumerable.Range(0, 20).Select(i => $"{i}\n"));
        foreach (var i in Enumerable.Range(0, 20))
        {
            Directory.Delete($"{RemoteFolder}-{i}", recursive: true);
        }
    }
}
