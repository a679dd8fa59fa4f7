using System.Diagnostics;
using System.Text;
using Hearth.Execution.Ssh;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>The dispatcher program itself, run here under <c>sh</c> with no ssh between (as on a host, its stdin and stdout are the engine's).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DispatcherTests
{
    /// <summary>
    /// The engine's end goes away while runs are going (a killed command, a dropped channel): their replies have nowhere
    /// to go, yet each run records its status and every process of the dispatcher ends once the scripts have (none is
    /// left waiting for the turn to write that a job killed mid-reply took with it).
    /// </summary>
    /// <summary>A script gets SIGPIPE as by default, though the dispatcher ignores it for itself.</summary>
    [Fact]
    public async Task Run_ScriptWritingToAPipeWhoseReaderEnded_EndsBySigpipeAsByDefault()
    {
        using var root = new TempDirectory();
        using var dispatcher = Start(root.Path);
        (await dispatcher.StandardOutput.ReadLineAsync().Within()).ShouldBe("0 0 0");
        var id = $"pipe-{Guid.NewGuid():N}";
        var payload = RemoteEnvironment.Payload([], "CREATE", "#!/bin/sh\n{ yes; echo \"yes ended $?\" >&2; } | head -n 1 > /dev/null\n", [], EngineIdentity.Current);
        await dispatcher.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes($"run 1 {id} CREATE a1 1\n").Concat(payload).ToArray());
        await dispatcher.StandardInput.BaseStream.FlushAsync();

        await Poll.UntilAsync(() => File.Exists(Path.Combine(root.Path, id, "runs", "CREATE.a1", "status")), "the script ended");

        File.ReadAllText(Path.Combine(root.Path, id, "runs", "CREATE.a1", "status")).Trim().ShouldBe("0");
        // 141: killed by SIGPIPE (128 + 13) once head had its line, as yes is anywhere else; ignoring it, yes would fail with EPIPE (1).
        File.ReadAllText(Path.Combine(root.Path, id, "runs", "CREATE.a1", "stderr")).ShouldBe("yes ended 141\n");
        dispatcher.StandardInput.Close();
        await dispatcher.WaitForExitAsync().Within();
    }

    [Fact]
    public async Task RunsGoingWhenTheEngineGoes_RecordTheirStatusesAndTheDispatcherEnds()
    {
        using var root = new TempDirectory();
        using var dispatcher = Start(root.Path);
        (await dispatcher.StandardOutput.ReadLineAsync().Within()).ShouldBe("0 0 0");
        var ids = Enumerable.Range(0, 3).Select(i => $"run-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var (id, tag) in ids.Select((id, i) => (id, i + 1)))
        {
            var payload = RemoteEnvironment.Payload([], "CREATE", "#!/bin/sh\nsleep 1\necho done\n", [], EngineIdentity.Current);
            await dispatcher.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes($"run {tag} {id} CREATE a1 1\n").Concat(payload).ToArray());
        }

        await dispatcher.StandardInput.BaseStream.FlushAsync();
        await Poll.UntilAsync(() => ids.All(id => File.Exists(Path.Combine(root.Path, id, "runs", "CREATE.a1", "pid"))), "the three scripts started");
        dispatcher.StandardInput.Close();
        dispatcher.StandardOutput.Close();

        await dispatcher.WaitForExitAsync().Within();

        ids.Select(id => File.ReadAllText(Path.Combine(root.Path, id, "runs", "CREATE.a1", "status")).Trim()).ShouldBe(["0", "0", "0"]);
        (await Poll.UntilAsync(() => ProcessTable.WithMarker(root.Path).Count == 0, TestTimeouts.Default)).ShouldBeTrue("a job of the dispatcher is left waiting");
    }

    /// <summary>The dispatcher over <paramref name="root"/>, started as sshd starts it: SIGPIPE as by default (this process ignores it, and children would inherit that).</summary>
    private static Process Start(string root)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--default-signal=PIPE", "sh", "-c", RemoteScripts.Dispatcher, "hearth", root, "65536" })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start).ShouldNotBeNull();
    }
}
