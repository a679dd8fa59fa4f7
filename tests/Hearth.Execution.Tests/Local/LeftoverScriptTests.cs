using System.Diagnostics;
using System.Globalization;
using Hearth.Execution.Local;

namespace Hearth.Execution.Tests.Local;

/// <summary>
/// A script whose engine died keeps running in its own session; the next action in its working folder stops it
/// first (<see cref="RunningScriptRecord"/>). Real processes throughout.
/// </summary>
public class LeftoverScriptTests : LocalTransportFixture
{
    [Fact]
    public async Task DeployAsync_RunningScriptNote_HoldsTheScriptsPidAndStartTimeWhileItRunsAndIsGoneAfter()
    {
        // The pid is written right after the spawn, so the script may start while the note is still pending ("0 0 …"):
        // it waits (bounded). Field 22 of /proc/$$/stat is the 20th after "pid (comm) ".
        var script = $$"""
            #!/bin/sh
            for i in $(seq 1000); do
              case "$(cat {{RunningScriptRecord.FileName}})" in "0 "*) sleep 0.01 ;; *) break ;; esac
            done
            read -r stat < /proc/$$/stat
            set -- ${stat#*) }
            shift 19
            echo "$$ $1 CREATE"
            cat {{RunningScriptRecord.FileName}}
            """;

        var result = await DeployAsync(Request(script));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, result.Stdout);
        lines[1].ShouldStartWith(lines[0] + " ", customMessage: "the note names the script's pid, its start time and its action");
        lines[1].Split(' ')[3].ShouldBe(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "then the engine that answers for it");
        File.Exists(RunningScriptRecord.PathIn(Transport.WorkingFolder("d-1"))).ShouldBeFalse("the note goes once the script is reaped");
    }

    [Fact]
    public async Task DeployAsync_ScriptOrphanedByADeadEngine_KilledWithItsSessionBeforeTheNewRun()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var workdir = Transport.WorkingFolder("d-1");
        var log = Path.Combine(StateRoot, "log");
        var pid = await StartOrphanAsync(workdir, marker, log);
        // What the transport writes when it spawns a script, left behind by an engine killed before the script ended.
        RunningScriptRecord.Write(workdir, pid, "CREATE");

        var result = await DeployAsync(Request($"#!/bin/sh\necho \"run $$\" >> {log}"));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stderr.ShouldBe($"[hearth: Stopped the CREATE script left running by an interrupted operation (pid {pid})]\n");
        Processes.WithMarker(marker).ShouldBeEmpty("the orphan's session (its grandchild too) is gone before the new run returns");
        var lines = await File.ReadAllLinesAsync(log);
        lines.Length.ShouldBe(2, string.Join("\n", lines));
        lines[0].ShouldBe($"start {pid}");
        lines[1].ShouldStartWith("run ");
        File.Exists(RunningScriptRecord.PathIn(workdir)).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_PendingNoteOfAnEngineThatDiedAroundTheSpawn_ScriptFoundByItsPathAndKilled()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var workdir = Transport.WorkingFolder("d-1");
        var log = Path.Combine(StateRoot, "log");
        var pid = await StartOrphanAsync(workdir, marker, log);
        // The note written before the spawn; the engine died before it could write the pid.
        await File.WriteAllTextAsync(RunningScriptRecord.PathIn(workdir), "0 0 CREATE 1 1\n");

        var result = await DeployAsync(Request($"#!/bin/sh\necho \"run $$\" >> {log}"));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Stderr.ShouldBe($"[hearth: Stopped the CREATE script left running by an interrupted operation (pid {pid})]\n");
        Processes.WithMarker(marker).ShouldBeEmpty();
        File.Exists(RunningScriptRecord.PathIn(workdir)).ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_AnotherRunStillGoingInTheFolder_KilledFirstAndTheNewActionRuns()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var log = Path.Combine(StateRoot, "log");
        var first = DeployAsync(Request($"""
            #!/bin/sh
            ln -sf /bin/sleep ./{marker}
            echo "start $$" >> {log}
            ./{marker} 300
            echo "end $$" >> {log}
            """));
        await Processes.UntilAsync(() => Processes.WithMarker(marker).Count == 1 && File.Exists(log)).WaitAsync(TestTimeout);

        var delete = await DeployAsync(Request($"#!/bin/sh\necho \"delete $$\" >> {log}", action: "DELETE"));
        var abandoned = await first;

        delete.Status.ShouldBe(DeploymentStatus.Complete, delete.StatusReason);
        delete.Stderr.ShouldStartWith("[hearth: Stopped the CREATE script left running by an interrupted operation (pid ");
        abandoned.ExitCode.ShouldBe(128 + 9, "the CREATE was killed, not waited for");
        Processes.WithMarker(marker).ShouldBeEmpty();
        var lines = await File.ReadAllLinesAsync(log);
        lines.Select(line => line.Split(' ')[0]).ShouldBe(["start", "delete"]);
    }

    [Fact]
    public async Task DeployAsync_NoteOfAProcessThatIsGoneOrWhosePidWasReused_RemovedAndNothingKilled()
    {
        var workdir = Transport.WorkingFolder("d-1");
        Directory.CreateDirectory(workdir);
        // A live process that is not the script: its pid with another start time is what a reused pid looks like.
        using var bystander = Process.Start(new ProcessStartInfo("/bin/sleep", "300")) ?? throw new InvalidOperationException("no sleep");
        try
        {
            await File.WriteAllTextAsync(RunningScriptRecord.PathIn(workdir), $"{bystander.Id} 1 CREATE\n");

            var result = await DeployAsync(Request("#!/bin/sh\necho ran"));

            result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
            result.Stdout.ShouldBe("ran\n");
            result.Stderr.ShouldBeEmpty();
            bystander.HasExited.ShouldBeFalse("a pid that now belongs to another process is left alone");
            File.Exists(RunningScriptRecord.PathIn(workdir)).ShouldBeFalse();
        }
        finally
        {
            bystander.Kill();
        }
    }

    [Fact]
    public async Task StopLeftoverAsync_OrphanRunning_KillsItAndSaysSoThenFindsNothing()
    {
        var marker = "hearth-marker-" + Guid.NewGuid().ToString("N");
        var workdir = Transport.WorkingFolder("d-1");
        var pid = await StartOrphanAsync(workdir, marker, Path.Combine(StateRoot, "log"));
        RunningScriptRecord.Write(workdir, pid, "CREATE");

        var stopped = await Transport.StopLeftoverAsync("d-1", CancellationToken.None).WaitAsync(TestTimeout);
        var again = await Transport.StopLeftoverAsync("d-1", CancellationToken.None).WaitAsync(TestTimeout);

        stopped.ShouldNotBeNull();
        stopped.Status.ShouldBe(DeploymentStatus.Complete);
        stopped.StatusReason.ShouldBe($"Stopped the CREATE script left running by an interrupted operation (pid {pid})");
        Processes.WithMarker(marker).ShouldBeEmpty();
        again.ShouldBeNull();
    }

    [Fact]
    public async Task StopOrphansAsync_ScriptsOfALiveAndOfADeadEngine_StopsOnlyTheDeadEnginesScript()
    {
        var (liveMarker, deadMarker) = ("hearth-marker-" + Guid.NewGuid().ToString("N"), "hearth-marker-" + Guid.NewGuid().ToString("N"));
        var (liveFolder, deadFolder) = (Transport.WorkingFolder("live"), Transport.WorkingFolder("dead"));
        var live = await StartOrphanAsync(liveFolder, liveMarker, Path.Combine(StateRoot, "live.log"));
        var dead = await StartOrphanAsync(deadFolder, deadMarker, Path.Combine(StateRoot, "dead.log"));
        try
        {
            // This test is the live engine; the dead one is a process that has exited (true, already reaped).
            RunningScriptRecord.Write(liveFolder, live, "CREATE");
            using var gone = Process.Start("/bin/true") ?? throw new InvalidOperationException("no true");
            await gone.WaitForExitAsync().WaitAsync(TestTimeout);
            var note = (await File.ReadAllTextAsync(RunningScriptRecord.PathIn(liveFolder))).Split(' ');
            await File.WriteAllTextAsync(RunningScriptRecord.PathIn(deadFolder), $"{dead} {ProcessSession.Stat(dead)?.StartTicks} UPDATE {gone.Id} {note[4]}");

            var stopped = await Transport.StopOrphansAsync(CancellationToken.None).WaitAsync(TestTimeout);

            stopped.ShouldBe([$"the UPDATE script left running by an interrupted operation (pid {dead})"]);
            Processes.WithMarker(deadMarker).ShouldBeEmpty();
            Processes.WithMarker(liveMarker).Count.ShouldBe(1, "a script whose engine lives is that engine's to stop");
        }
        finally
        {
            await ProcessSession.KillAsync(live, TimeProvider.System);
        }
    }

    /// <summary>
    /// A script in a session of its own whose parent is gone (setsid --fork: its parent exits at once), as a script is
    /// after its engine was killed: it logs "start PID", runs a grandchild named <paramref name="marker"/> for 300 s,
    /// then would log "end PID". Returns its pid once the grandchild runs.
    /// </summary>
    private static async Task<int> StartOrphanAsync(string workdir, string marker, string log)
    {
        Directory.CreateDirectory(workdir);
        var script = Path.Combine(workdir, "CREATE");
        await File.WriteAllTextAsync(script, $"""
            #!/bin/sh
            ln -sf /bin/sleep ./{marker}
            echo "start $$" >> {log}
            ./{marker} 300
            echo "end $$" >> {log}
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Through /bin/sh rather than exec'ing the file just written: a process another test forks meanwhile holds a copy
        // of the writer's descriptor until it execs, and exec'ing the file then fails (ETXTBSY) — the script never ran.
        using (var setsid = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["--fork", "/bin/sh", script]) { WorkingDirectory = workdir }))
        {
            (setsid ?? throw new InvalidOperationException("could not start setsid")).WaitForExit();
        }

        await Processes.UntilAsync(() => File.Exists(log) && Processes.WithMarker(marker).Count == 1).WaitAsync(TestTimeout);
        var line = (await File.ReadAllLinesAsync(log)).First(l => l.StartsWith("start ", StringComparison.Ordinal));
        return int.Parse(line["start ".Length..], CultureInfo.InvariantCulture);
    }
}
