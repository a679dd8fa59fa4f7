using System.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Execution.Tests.Local;

public class LocalTransportTests : LocalTransportFixture
{
    [Fact]
    public async Task DeployAsync_Inputs_OneEnvironmentVariableEach()
    {
        var map = Value.NewMap();
        map["k"] = "v";
        map["n"] = 1L;
        var inputs = DeploymentInputs.Build(
            [
                new DeploymentInputDeclaration("str"),
                new DeploymentInputDeclaration("num", DeploymentValueType.Number),
                new DeploymentInputDeclaration("lst", DeploymentValueType.CommaDelimitedList),
                new DeploymentInputDeclaration("mp", DeploymentValueType.Json),
                new DeploymentInputDeclaration("flag", DeploymentValueType.Boolean),
                new DeploymentInputDeclaration("none"),
            ],
            new Dictionary<string, object?>
            {
                ["str"] = "hello world",
                ["num"] = 42L,
                ["lst"] = new List<object?> { "a", "b" },
                ["mp"] = map,
                ["flag"] = true,
                ["extra"] = "more",
            },
            serverId: "server-1",
            action: "CREATE",
            stackId: "web/5f2b",
            resourceName: "deploy_app");
        const string script = """
            #!/bin/sh
            for v in str num lst mp flag none extra deploy_server_id deploy_action deploy_stack_id deploy_resource_name; do
              eval "printf '%s=%s\n' \$v \"\$$v\""
            done
            """;

        var result = await DeployAsync(Request(script, inputs));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stdout.ShouldBe("""
            str=hello world
            num=42
            lst=["a", "b"]
            mp={"k": "v", "n": 1}
            flag=True
            none=None
            extra=more
            deploy_server_id=server-1
            deploy_action=CREATE
            deploy_stack_id=web/5f2b
            deploy_resource_name=deploy_app

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task DeployAsync_ScriptWritesOutputFiles_OutputsReadWholeAndMissingAbsent()
    {
        const string script = """
            #!/bin/sh
            printf 'line1\nline2\n' > "${heat_outputs_path}.result"
            printf '%s' "$heat_outputs_path" > "${heat_outputs_path}.where"
            """;

        var result = await DeployAsync(Request(script, outputs: [new("result"), new("where"), new("missing")]));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.Outputs["result"].ShouldBe("line1\nline2\n");
        result.Outputs["where"].ShouldBe(Path.Combine(Transport.WorkingFolder("d-1"), "outputs", "CREATE"));
        result.Outputs.ContainsKey("missing").ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_SecondRunOfSameAction_DoesNotSeeStaleOutputs()
    {
        await DeployAsync(Request("#!/bin/sh\necho old > \"$heat_outputs_path.result\"", outputs: [new("result")]));

        var result = await DeployAsync(Request("#!/bin/sh\ntrue", outputs: [new("result")]));

        result.Outputs.ContainsKey("result").ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_StdoutStderrExitZero_CapturedAndComplete()
    {
        var result = await DeployAsync(Request("#!/bin/sh\necho out\necho err >&2\nexit 0"));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldBe("out\n");
        result.Stderr.ShouldBe("err\n");
        result.StatusReason.ShouldBe("Outputs received");
    }

    [Fact]
    public async Task DeployAsync_NonZeroExit_FailedWithTheStderrBesideACleanReason()
    {
        const string script = """
            #!/bin/sh
            i=1
            while [ $i -le 30 ]; do echo "problem $i" >&2; i=$((i+1)); done
            exit 3
            """;

        var result = await DeployAsync(Request(script));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(3);
        result.StatusReason.ShouldBe("Deployment exited with non-zero status code: 3");
        result.Stderr.ShouldStartWith("problem 1\n");
        result.Stderr.ShouldEndWith("problem 30\n");
    }

    [Fact]
    public async Task DeployAsync_ErrorOutputWritten_Failed()
    {
        const string script = "#!/bin/sh\nprintf 'disk full' > \"$heat_outputs_path.failure\"\nexit 0";

        var result = await DeployAsync(Request(script, outputs: [new("failure", ErrorOutput: true)]));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(0);
        result.StatusReason.ShouldBe("An error output was set: failure : disk full");
        result.Outputs["failure"].ShouldBe("disk full");
    }

    [Fact]
    public async Task DeployAsync_TenMebibytesOnBothStreams_BoundedTailsNoDeadlock()
    {
        const string script = """
            #!/bin/sh
            head -c 10485760 /dev/zero | tr '\0' 'e' >&2 &
            head -c 10485760 /dev/zero | tr '\0' 'o'
            wait
            echo END
            """;

        var result = await DeployAsync(Request(script));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        // Shouldly would print a mebibyte on failure: compare small pieces.
        var limit = 1024 * 1024;
        var (stdoutMarker, stdoutTail) = SplitFirstLine(result.Stdout);
        stdoutMarker.ShouldBe($"[hearth: output truncated, the first {(10 * limit) + 4 - limit} bytes were dropped]");
        stdoutTail.Length.ShouldBe(limit);
        stdoutTail.Count(c => c == 'o').ShouldBe(limit - 4);
        stdoutTail[^10..].ShouldBe("ooooooEND\n");
        var (stderrMarker, stderrTail) = SplitFirstLine(result.Stderr);
        stderrMarker.ShouldBe($"[hearth: output truncated, the first {9 * limit} bytes were dropped]");
        stderrTail.Length.ShouldBe(limit);
        stderrTail.All(c => c == 'e').ShouldBeTrue();

        static (string First, string Remainder) SplitFirstLine(string text) =>
            (text[..text.IndexOf('\n', StringComparison.Ordinal)], text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
    }

    [Fact]
    public async Task DeployAsync_Timeout_KillsTheWholeProcessTree()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var script = $"""
            #!/bin/sh
            ln -s /bin/sleep ./{marker}
            ./{marker} 300 &
            ( ./{marker} 301 & )
            echo started
            ./{marker} 302
            """;

        // DeployAsync is bounded by TestTimeout (60 s), so returning at all means it did not wait for the 300 s sleeps.
        var result = await DeployAsync(Request(script, timeout: TimeSpan.FromSeconds(2)));

        result.Status.ShouldBe(DeploymentStatus.TimedOut);
        result.ExitCode.ShouldBeNull();
        result.StatusReason.ShouldBe("Deployment timed out after 2s");
        result.Stdout.ShouldBe("started\n");
        (await Processes.WithMarkerAfterSettlingAsync(marker)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeployAsync_Cancelled_KillsTheTreeAndReportsCancelled()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var script = $"""
            #!/bin/sh
            ln -s /bin/sleep ./{marker}
            ./{marker} 300 &
            touch started
            ./{marker} 301
            """;
        using var cts = new CancellationTokenSource();
        var started = Path.Combine(Transport.WorkingFolder("d-1"), "started");

        var deployment = DeployAsync(Request(script), cts.Token);
        await Processes.UntilAsync(() => File.Exists(started) && Processes.WithMarker(marker).Count == 2).WaitAsync(TestTimeout);
        await cts.CancelAsync();
        var result = await deployment;

        result.Status.ShouldBe(DeploymentStatus.Cancelled);
        result.StatusReason.ShouldBe("Deployment cancelled.");
        (await Processes.WithMarkerAfterSettlingAsync(marker)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeployAsync_AlreadyCancelled_NothingRuns()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var result = await DeployAsync(Request("#!/bin/sh\ntouch ran"), cts.Token);

        result.Status.ShouldBe(DeploymentStatus.Cancelled);
        File.Exists(Path.Combine(Transport.WorkingFolder("d-1"), "ran")).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_ShellMetacharactersInInput_StayInertText()
    {
        const string evil = "$(touch pwned); rm -rf ~ `touch pwned2` ' \" \\ ;|&";
        var sandbox = Directory.CreateDirectory(Path.Combine(StateRoot, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(sandbox, "keep"));
        // HOME is an input too: were the value ever evaluated, `~` would be this sandbox, not the real home.
        DeploymentInput[] inputs = [new("HOME", DeploymentValueType.String, sandbox), new("evil", DeploymentValueType.String, evil)];
        const string script = "#!/bin/sh\nprintf '%s' \"$evil\" > seen\nprintf '%s' \"$evil\"";

        var result = await DeployAsync(Request(script, inputs));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.Stdout.ShouldBe(evil);
        var workdir = Transport.WorkingFolder("d-1");
        (await File.ReadAllTextAsync(Path.Combine(workdir, "seen")).WaitAsync(TestTimeout)).ShouldBe(evil);
        File.Exists(Path.Combine(workdir, "pwned")).ShouldBeFalse();
        File.Exists(Path.Combine(workdir, "pwned2")).ShouldBeFalse();
        Directory.Exists(Path.Combine(sandbox, "keep")).ShouldBeTrue();
    }

    [Fact]
    public async Task DeployAsync_Component_RunsTheEntryForTheAction()
    {
        const string config = """
            {"configs": [
              {"actions": ["CREATE"], "tool": "script", "config": "#!/bin/sh\necho created"},
              {"actions": ["UPDATE"], "tool": "script", "config": "#!/bin/sh\necho updated $deploy_action"}
            ]}
            """;
        DeploymentInput[] inputs = [new("deploy_action", DeploymentValueType.String, "UPDATE")];

        var result = await DeployAsync(Request(config, inputs, group: "component", action: "UPDATE"));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.Stdout.ShouldBe("updated UPDATE\n");
    }

    [Fact]
    public async Task DeployAsync_ComponentWithoutEntryForAction_SkippedAndNothingRuns()
    {
        const string config = """{"configs": [{"actions": ["CREATE"], "tool": "script", "config": "#!/bin/sh\ntouch ran"}]}""";

        var result = await DeployAsync(Request(config, group: "component", action: "DELETE"));

        result.Status.ShouldBe(DeploymentStatus.Skipped);
        result.ExitCode.ShouldBeNull();
        Directory.Exists(Transport.WorkingFolder("d-1")).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_UnknownGroup_FailedNamingSupportedGroups()
    {
        var result = await DeployAsync(Request("{}", group: "docker-compose"));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe("Config group 'docker-compose' is not supported; supported groups: script, ungrouped, Heat::Ungrouped, component, docker-cmd");
    }

    [Fact]
    public async Task DeployAsync_WorkingFolderAndScript_Mode0700AndCwd()
    {
        var result = await DeployAsync(Request("#!/bin/sh\npwd\nls -l \"$0\" | cut -c1-10"));

        var workdir = Transport.WorkingFolder("d-1");
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        File.GetUnixFileMode(workdir).ShouldBe(Private);
        File.GetUnixFileMode(Path.Combine(workdir, "outputs")).ShouldBe(Private);
        File.GetUnixFileMode(Path.Combine(StateRoot, "deployments")).ShouldBe(Private);
        File.GetUnixFileMode(Path.Combine(workdir, "CREATE")).ShouldBe(Private);
        result.Stdout.ShouldBe($"{workdir}\n-rwx------\n");
    }

    [Fact]
    public async Task DeployAsync_NoShebang_RunsWithBinSh()
    {
        var result = await DeployAsync(Request("echo \"no shebang $0\""));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.Stdout.ShouldBe($"no shebang {Path.Combine(Transport.WorkingFolder("d-1"), "CREATE")}\n");
    }

    [Fact]
    public async Task DeployAsync_MissingInterpreter_FailedWithReason()
    {
        var result = await DeployAsync(Request("#!/nonexistent/interpreter\ntrue"));

        // posix_spawn reports the failed exec (ENOENT) itself: nothing ran, so there is no exit status.
        var scriptPath = Path.Combine(Transport.WorkingFolder("d-1"), "CREATE");
        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBeNull();
        result.StatusReason.ShouldBe($"Could not start the script {scriptPath}: the interpreter on its #! line was not found (No such file or directory)");
    }

    [Fact]
    public async Task DeployAsync_InterpreterHeldOpenForWriting_FailedWithReasonAfterWaiting()
    {
        var interpreter = Path.Combine(StateRoot, "interpreter");
        File.WriteAllText(interpreter, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(interpreter, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var writer = new FileStream(interpreter, FileMode.Open, FileAccess.Write);

        var result = await DeployAsync(Request($"#!{interpreter}\ntrue"));

        var scriptPath = Path.Combine(Transport.WorkingFolder("d-1"), "CREATE");
        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBeNull();
        result.StatusReason.ShouldBe($"Could not start the script {scriptPath}: some process kept it, or the interpreter on its #! line, open for writing (Text file busy)");
    }

    [Fact]
    public async Task DeployAsync_Script_LeadsASessionOfItsOwn()
    {
        // $$ is the script's own pid: the file is executed directly, with no setsid or shell in between.
        var result = await DeployAsync(Request("#!/bin/sh\nread -r stat < /proc/$$/stat\necho $$ ${stat#*) }"));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        var fields = result.Stdout.Trim().Split(' ');
        // "$$ state ppid pgrp session …"
        fields[3].ShouldBe(fields[0], "process group id = pid");
        fields[4].ShouldBe(fields[0], "session id = pid");
    }

    [Fact]
    public async Task DeployAsync_ScriptNotExecutableByAnyone_FailedWithReasonNotACrash()
    {
        // An interpreter that exists but cannot be executed (a plain file): the exec fails with EACCES.
        var interpreter = Path.Combine(StateRoot, "not-an-interpreter");
        await File.WriteAllTextAsync(interpreter, "plain text");

        var result = await DeployAsync(Request($"#!{interpreter}\ntrue"));

        var scriptPath = Path.Combine(Transport.WorkingFolder("d-1"), "CREATE");
        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBeNull();
        result.StatusReason.ShouldBe($"Could not start the script {scriptPath}: Permission denied");
    }

    [Fact]
    public async Task DeployAsync_BackgroundChildHoldsStdout_ReturnsAfterDrainGrace()
    {
        Transport = new Hearth.Execution.Local.LocalTransport(
            new Hearth.Execution.Local.LocalTransportOptions(StateRoot) { OutputDrainGrace = TimeSpan.FromMilliseconds(200) });
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var script = $"#!/bin/sh\nln -s /bin/sleep ./{marker}\n./{marker} 300 &\necho done";
        try
        {
            var result = await DeployAsync(Request(script));

            result.Status.ShouldBe(DeploymentStatus.Complete);
            result.Stdout.ShouldBe("done\n");
        }
        finally
        {
            foreach (var pid in Processes.WithMarker(marker))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task DeployAsync_BadDeploymentId_Throws()
    {
        await Should.ThrowAsync<ArgumentException>(() => DeployAsync(Request("#!/bin/sh\ntrue", deploymentId: "../escape")));
    }

    [Fact]
    public async Task DeployAsync_InputNameWithEquals_FailedWithoutRunning()
    {
        var result = await DeployAsync(Request("#!/bin/sh\ntrue", [new("a=b", DeploymentValueType.String, "x")]));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldContain("'a=b'");
    }
}
