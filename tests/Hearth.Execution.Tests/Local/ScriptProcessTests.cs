using System.Globalization;
using Hearth.Execution.Local;

namespace Hearth.Execution.Tests.Local;

/// <summary>The posix_spawn start of a script, its pipes and its reaping, below the transport.</summary>
public class ScriptProcessTests : LocalTransportFixture
{
    private const ulong GlibcInternalSignals = (1UL << 31) | (1UL << 32);

    private static readonly KeyValuePair<string, string>[] PathOnly = [new("PATH", "/usr/bin:/bin")];

    [Fact]
    public async Task Start_Process_LeadsItsOwnSessionAndProcessGroup()
    {
        var process = await StartAsync("/bin/sleep", ["sleep", "60"]);
        try
        {
            var (_, processGroup, session) = ProcessTable.Stat(process.Pid).ShouldNotBeNull();

            processGroup.ShouldBe(process.Pid);
            session.ShouldBe(process.Pid);
            session.ShouldNotBe(ProcessTable.Stat(Environment.ProcessId).ShouldNotBeNull().Session);
        }
        finally
        {
            await ProcessSession.KillAsync(process.Pid, TimeProvider.System);
            (await process.Exited.WaitAsync(TestTimeout)).ShouldBe(128 + 9);
        }
    }

    [Fact]
    public async Task KillAsync_TreeWithOrphanedGrandchild_AllKilled()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        // In a file, so that only the three sleeps carry the marker in their command lines.
        var script = Path.Combine(StateRoot, "tree.sh");
        await File.WriteAllTextAsync(script, $"ln -s /bin/sleep ./{marker}\n./{marker} 300 &\n( ./{marker} 301 & )\n./{marker} 302\n");
        var process = await StartAsync("/bin/sh", ["sh", script]);
        await Processes.UntilAsync(() => Processes.WithMarker(marker).Count == 3).WaitAsync(TestTimeout);

        await ProcessSession.KillAsync(process.Pid, TimeProvider.System);

        (await process.Exited.WaitAsync(TestTimeout)).ShouldBe(128 + 9);
        (await Processes.WithMarkerAfterSettlingAsync(marker)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_Environment_ExactlyTheVariablesGiven()
    {
        KeyValuePair<string, string>[] environment = [new("GREETING", "hello world"), new("EMPTY", ""), new("QUOTES", "$(touch no) 'a' \"b\"")];

        var process = await StartAsync("/usr/bin/env", ["env"], environment);
        await WaitAsync(process);

        process.Stdout.ToText().ShouldBe("GREETING=hello world\nEMPTY=\nQUOTES=$(touch no) 'a' \"b\"\n");
        File.Exists(Path.Combine(StateRoot, "no")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 255", 255)]
    [InlineData("kill -TERM $$", 128 + 15)]
    public async Task Exited_ExitOrSignal_StatusAsProcessReportsIt(string command, int expected)
    {
        var process = await StartAsync("/bin/sh", ["sh", "-c", command]);

        (await WaitAsync(process)).ShouldBe(expected);
    }

    [Fact]
    public async Task Start_StdoutStderrStdinAndWorkingFolder_SeparatePipesDevNullAndCwd()
    {
        var process = await StartAsync("/bin/sh", ["sh", "-c", "echo out; echo err >&2; cat; pwd; ls -l /proc/$$/fd/0 | sed 's/.*-> //'"]);

        (await WaitAsync(process)).ShouldBe(0);
        process.Stdout.ToText().ShouldBe($"out\n{StateRoot}\n/dev/null\n");
        process.Stderr.ToText().ShouldBe("err\n");
    }

    [Fact]
    public async Task Start_Signals_NoneBlockedOrIgnored()
    {
        // The runtime ignores SIGPIPE and blocks signals of its own; a script must see a clean slate. glibc's
        // posix_spawn leaves its two internal signals (32, 33) ignored, as for any program it spawns. The shell execs
        // grep, which reads its own masks: a shell that forked a child blocks all signals for a moment while it does.
        var process = await StartAsync("/bin/sh", ["sh", "-c", "exec grep -E '^Sig(Blk|Ign):' /proc/self/status"]);

        (await WaitAsync(process)).ShouldBe(0);
        var masks = process.Stdout.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(line => line[..6], line => ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        masks["SigBlk"].ShouldBe(0UL);
        (masks["SigIgn"] & ~GlibcInternalSignals).ShouldBe(0UL);
    }

    [Fact]
    public async Task Start_ManyAtOnce_EachGetsItsOwnOutputAndStatus()
    {
        var processes = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => StartAsync("/bin/sh", ["sh", "-c", $"echo {i}; echo e{i} >&2; exit {i % 7}"])));

        for (var i = 0; i < processes.Length; i++)
        {
            (await WaitAsync(processes[i])).ShouldBe(i % 7);
            processes[i].Stdout.ToText().ShouldBe($"{i}\n");
            processes[i].Stderr.ToText().ShouldBe($"e{i}\n");
        }
    }

    [Fact]
    public async Task Start_MissingFile_ThrowsWithTheSystemReason()
    {
        var missing = Path.Combine(StateRoot, "missing");

        var e = await Should.ThrowAsync<ScriptStartException>(() => StartAsync(missing, [missing]));

        e.ErrorNumber.ShouldBe(2); // ENOENT
        e.Message.ShouldBe("No such file or directory");
    }

    [Fact]
    public async Task Start_NotExecutable_ThrowsPermissionDenied()
    {
        var file = Path.Combine(StateRoot, "script");
        await File.WriteAllTextAsync(file, "#!/bin/sh\ntrue\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = await Should.ThrowAsync<ScriptStartException>(() => StartAsync(file, [file]));

        e.ErrorNumber.ShouldBe(13); // EACCES
        e.Message.ShouldBe("Permission denied");
    }

    [Fact]
    public async Task StopReading_BackgroundChildHoldsStdout_OutputClosedWithWhatWasRead()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var process = await StartAsync("/bin/sh", ["sh", "-c", $"ln -s /bin/sleep ./{marker}; ./{marker} 300 & echo done"]);
        try
        {
            (await process.Exited.WaitAsync(TestTimeout)).ShouldBe(0);
            await Processes.UntilAsync(() => process.Stdout.TotalBytes == 5).WaitAsync(TestTimeout);
            process.OutputClosed.IsCompleted.ShouldBeFalse();

            process.StopReading();

            await process.OutputClosed.WaitAsync(TestTimeout);
            process.Stdout.ToText().ShouldBe("done\n");
        }
        finally
        {
            await ProcessSession.KillAsync(process.Pid, TimeProvider.System);
        }
    }

    [Fact]
    public async Task Start_ScriptsWrittenAndStartedOnManyThreadsAtOnce_NoneFailsWithTextFileBusy()
    {
        // Each thread writes its own script and starts it at once, as deployments do: a spawn while another script's
        // file is open for writing lets the child hold that descriptor, and that script's first exec fails (ETXTBSY).
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var statuses = new List<int>();
            for (var i = 0; i < 25; i++)
            {
                var path = ExecutableScript($"script-{worker}-{i}", $"#!/bin/sh\nexit {i % 3}\n");
                statuses.Add(await WaitAsync(ScriptProcess.Start(Monitor, path, [path], PathOnly, StateRoot, maxCapturedBytes: 1024)));
            }

            return statuses;
        })));

        foreach (var statuses in results)
        {
            statuses.ShouldBe(Enumerable.Range(0, 25).Select(i => i % 3));
        }
    }

    [Fact]
    public async Task Start_ScriptFileOpenForWritingUntilShortlyAfter_StartsItOnceFree()
    {
        var path = ExecutableScript("busy", "#!/bin/sh\nexit 7\n");
        var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
        var release = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            await writer.DisposeAsync();
        });

        var process = await StartAsync(path, [path]);

        (await WaitAsync(process)).ShouldBe(7);
        await release.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task Start_ScriptFileKeptOpenForWriting_FailsWithTextFileBusyAfterWaiting()
    {
        var path = ExecutableScript("held", "#!/bin/sh\nexit 0\n");
        await using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);

        var failure = await Should.ThrowAsync<ScriptStartException>(StartAsync(path, [path]));

        failure.ErrorNumber.ShouldBe(NativeMethods.ETxtBsy);
        // It tried again, waiting for the file, before it gave up (a count: nothing here asserts how long anything took).
        failure.Attempts.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Dispose_WhileAScriptRuns_TheScriptIsStillReadAndReapedThenTheMonitorCloses()
    {
        var process = await StartAsync("/bin/sh", ["sh", "-c", "read line; echo \"got $line\""], standardInput: "go\n"u8.ToArray());

        Monitor.Dispose();

        (await WaitAsync(process)).ShouldBe(0);
        process.Stdout.ToText().ShouldBe("got go\n");
        await Poll.UntilAsync(() => IsClosed(Monitor), "the monitor's thread ended after its last script");
        Should.Throw<ObjectDisposedException>(() => ScriptProcess.Start(Monitor, "/bin/true", ["true"], PathOnly, StateRoot, 1024));
    }

    [Fact]
    public void Dispose_NeverUsed_ClosesAtOnce()
    {
        var monitor = new ChildMonitor();

        monitor.Dispose();
        monitor.Dispose();

        IsClosed(monitor).ShouldBeTrue();
    }

    private static bool IsClosed(ChildMonitor monitor)
    {
        try
        {
            monitor.ThrowIfClosed();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private string ExecutableScript(string name, string content)
    {
        var path = Path.Combine(StateRoot, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private Task<ScriptProcess> StartAsync(
        string file, string[] arguments, IReadOnlyCollection<KeyValuePair<string, string>>? environment = null, byte[]? standardInput = null) =>
        Task.Run(() => ScriptProcess.Start(Monitor, file, arguments, environment ?? PathOnly, StateRoot, maxCapturedBytes: 1024 * 1024, standardInput)).WaitAsync(TestTimeout);

    private static async Task<int> WaitAsync(ScriptProcess process)
    {
        var status = await process.Exited.WaitAsync(TestTimeout);
        await process.OutputClosed.WaitAsync(TestTimeout);
        return status;
    }
}
