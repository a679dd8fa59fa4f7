using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>hearth</c> killed with SIGKILL while a deployment's script runs: the script runs on in its own session.
/// The resume or cancel that follows stops it before it runs anything in its working folder, so no two runs of one
/// deployment overlap. Nothing asserts how long anything took; every wait is bounded.
/// </summary>
public sealed class LeftoverScriptTests : IDisposable
{
    private const string StackName = LeftoverScripts.StackName;

    private const string Template = $$$"""
        heat_template_version: 2021-04-16
        parameters:
          dir: {type: string}
          actions: {type: comma_delimited_list, default: [CREATE, UPDATE, DELETE]}
        resources:
          server:
            type: OS::Heat::DeployedServer
        {{{LeftoverScripts.ConfigAndDeployment}}}
        """;

    private readonly TempDirectory _folder = new();

    private string State => Path.Combine(_folder.Path, "state");

    private string Log => Path.Combine(_folder.Path, "log");

    [Fact]
    public async Task Resume_SigkillWhileACreateScriptRuns_OldScriptStoppedBeforeTheCreateRunsAgain()
    {
        var old = await KillDuringAsync("CREATE", Run("stack", "create", StackName, "-t", TemplateFile(), "-P", $"dir={_folder.Path}"));

        var resumed = await HearthProcess.RunAsync(Run("stack", "resume", StackName));

        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        DeploymentProcesses.In(State).ShouldBeEmpty("the old script was stopped, and the new one has ended");
        var lines = await File.ReadAllLinesAsync(Log);
        lines.Length.ShouldBe(3, string.Join("\n", lines));
        lines[0].ShouldBe($"start CREATE {old}");
        lines[1].ShouldStartWith("start CREATE ");
        lines[2].ShouldBe($"end {lines[1]["start ".Length..]}", "the second run ran alone, to its end; the first never ended");
        resumed.Error.ShouldContain($"Stack CREATE started; stopped the CREATE script left running by an interrupted operation (pid {old})");
        (await StatusAsync()).ShouldBe("CREATE_COMPLETE");
        await ShouldBeSettledAsync(expectedRows: 3);
    }

    [Theory]
    [InlineData("CREATE,UPDATE,DELETE")]
    [InlineData("CREATE,UPDATE")]
    public async Task Cancel_SigkillWhileACreateScriptRuns_OldScriptStoppedBeforeTheDeleteAndNothingLeftRunning(string actions)
    {
        // Only the CREATE waits; the cancel's DELETE (when it is one of the actions) runs at once.
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "slept-DELETE"), "");
        var old = await KillDuringAsync("CREATE", Run("stack", "create", StackName, "-t", TemplateFile(), "-P", $"dir={_folder.Path}", "-P", $"actions={actions}"));

        var cancelled = await HearthProcess.RunAsync(Run("stack", "cancel", StackName));

        cancelled.ExitCode.ShouldBe(0, cancelled.ToString());
        cancelled.Error.ShouldContain($"Stack ROLLBACK started; stopped the CREATE script left running by an interrupted operation (pid {old})");
        DeploymentProcesses.In(State).ShouldBeEmpty("the CREATE a dead engine left running does not outlive the rollback");
        var lines = await File.ReadAllLinesAsync(Log);
        string[] expected = actions.Contains("DELETE", StringComparison.Ordinal)
            ? [$"start CREATE {old}", "start DELETE", "end DELETE"]
            : [$"start CREATE {old}"];
        lines.Select(line => line.StartsWith($"start CREATE {old}", StringComparison.Ordinal) ? line : string.Join(' ', line.Split(' ').Take(2)))
            .ShouldBe(expected, "the DELETE ran after the old CREATE was stopped (which never ended)");
        (await StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        await ShouldBeSettledAsync(expectedRows: 0);
    }

    [Fact]
    public async Task Cancel_SigkillWhileADeleteScriptRuns_StackBackToItsDefinitionEveryRowSettledNothingRunning()
    {
        // The create runs without the 30 s wait; the delete's first DELETE waits.
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "slept-CREATE"), "");
        var created = await HearthProcess.RunAsync(Run("stack", "create", StackName, "-t", TemplateFile(), "-P", $"dir={_folder.Path}"));
        created.ExitCode.ShouldBe(0, created.ToString());
        var old = await KillDuringAsync("DELETE", Run("stack", "delete", StackName, "--yes"));
        (await StatusAsync()).ShouldBe("DELETE_IN_PROGRESS");

        var cancelled = await HearthProcess.RunAsync(Run("stack", "cancel", StackName));

        // Cancelling a delete converges back to the definition the stack had: the half-deleted deployment is replaced
        // (a new instance is created, then the old one's DELETE is finished in its own folder), and the stack takes
        // updates and deletes. The interrupted DELETE was stopped before any of that.
        cancelled.ExitCode.ShouldBe(0, cancelled.ToString());
        cancelled.Error.ShouldContain($"Stack ROLLBACK started; stopped the DELETE script left running by an interrupted operation (pid {old})");
        DeploymentProcesses.In(State).ShouldBeEmpty();
        (await StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        await ShouldBeSettledAsync(expectedRows: 3);
        var log = await File.ReadAllLinesAsync(Log);
        log.Select(line => string.Join(' ', line.Split(' ').Take(2)))
            .ShouldBe(["start CREATE", "end CREATE", "start DELETE", "start CREATE", "end CREATE", "start DELETE", "end DELETE"], string.Join("\n", log));
        log[2].ShouldBe($"start DELETE {old}");
        log.ShouldNotContain($"end DELETE {old}", "the interrupted DELETE was stopped, and the replacement's CREATE ran after that");

        var updated = await HearthProcess.RunAsync(Run("stack", "update", StackName, "--existing"));
        updated.ExitCode.ShouldBe(0, updated.ToString());
        var deleted = await HearthProcess.RunAsync(Run("stack", "delete", StackName, "--yes"));
        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        (await StatusAsync()).ShouldBeNull();
        DeploymentProcesses.In(State).ShouldBeEmpty();
    }

    public void Dispose()
    {
        DeploymentProcesses.KillAll(State);
        _folder.Dispose();
    }

    private string[] Run(params string[] args) => ["--state", State, .. args];

    private string TemplateFile() => _folder.File("stack.yaml", Template);

    /// <summary>Starts hearth, SIGKILLs it once the first run of <paramref name="action"/> has started (and sleeps), and returns that script's pid.</summary>
    private Task<int> KillDuringAsync(string action, string[] args) =>
        LeftoverScripts.KillDuringAsync(action, args, Log, pid => DeploymentProcesses.In(State).Contains(pid));

    private Task<string?> StatusAsync() => LeftoverScripts.StatusAsync(State);

    /// <summary>Every row in the store, current or not, COMPLETE; the lock released.</summary>
    private async Task ShouldBeSettledAsync(int expectedRows)
    {
        await using var store = await SqliteStateStore.OpenAsync(State, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var stack = await store.GetStackByNameAsync(StackName, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        stack.ShouldNotBeNull();
        (await store.GetLockHolderAsync(stack.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout)).ShouldBeNull();
        var rows = await store.ListResourcesAsync(stack.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var lines = rows.Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)} current={r.IsCurrent}").ToList();
        lines.ShouldAllBe(line => line.Contains("_COMPLETE current=True"), string.Join("\n", lines));
        rows.Count.ShouldBe(expectedRows, string.Join("\n", lines));
    }
}
