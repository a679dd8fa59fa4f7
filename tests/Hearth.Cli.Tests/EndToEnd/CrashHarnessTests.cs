using System.Globalization;
using System.Text;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Values;
using Xunit.Abstractions;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The crash harness (docs/performance.md): rounds of a create, an update that replaces deployments, or an update
/// whose test deployment fails and rolls back, each run by the real <c>hearth</c> and killed with SIGKILL at a step
/// boundary (<c>HEARTH_CRASH_AT=N</c>), at a seeded random step (<c>HEARTH_CRASH_AT=random:SEED</c>) or after a seeded
/// random delay; then resumed or cancelled (sometimes that one killed too, and recovered again). After each round:
/// the stack is settled, every marker file a script left belongs to a current deployment with the inputs the state
/// says it has (and every current deployment has its marker), the next update works, and a delete leaves no marker.
/// 20 rounds with fixed seeds in CI; <c>HEARTH_CRASH_ROUNDS=N</c> runs N (and <c>HEARTH_CRASH_SEED</c> moves the seeds).
/// </summary>
public sealed class CrashHarnessTests(ITestOutputHelper output)
{
    private const string StackName = "c";

    // One config for every deployment: CREATE and UPDATE write markers/<deployment id> with what they were given,
    // DELETE removes it; 'fail' makes the run exit 1 after writing its marker (a failed test deployment).
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          markers: {type: string}
          version: {type: string, default: v0}
          gen: {type: number, default: 0}
          fail: {type: boolean, default: false}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {max_concurrent_deployments: 1}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs:
                - {name: version, replace_on_change: true}
                - {name: gen}
                - {name: markers}
                - {name: dep}
                - {name: fail, type: Boolean, default: false}
              outputs:
                - name: id
              config: |
                #!/bin/sh
                set -eu
                id=$(basename "$PWD")
                case "$deploy_action" in
                  CREATE|UPDATE)
                    mkdir -p "$markers"
                    printf '%s %s %s' "$deploy_resource_name" "$version" "$gen" > "$markers/$id.tmp"
                    mv "$markers/$id.tmp" "$markers/$id"
                    printf '%s' "$id" > "${heat_outputs_path}.id"
                    if [ "$fail" = "True" ]; then echo "failing as asked" >&2; exit 1; fi
                    ;;
                  DELETE)
                    rm -f "$markers/$id"
                    ;;
                esac
          a:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {version: {get_param: version}, gen: {get_param: gen}, markers: {get_param: markers}, dep: none}
          b:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {version: fixed, gen: {get_param: gen}, markers: {get_param: markers}, dep: {get_attr: [a, id]}}
          c:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {version: {get_param: version}, gen: {get_param: gen}, markers: {get_param: markers}, dep: {get_attr: [b, id]}}
          check:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, UPDATE, DELETE]
              input_values: {version: fixed, gen: {get_param: gen}, markers: {get_param: markers}, dep: {get_attr: [c, id]}, fail: {get_param: fail}}
        outputs:
          chain: {value: {get_attr: [check, id]}}
        """;

    private const int ResourceCount = 6;

    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(3);

    private enum Kind
    {
        Create,
        ReplaceUpdate,
        FailingUpdate,
    }

    private enum KillMode
    {
        AtStep,
        RandomStep,
        AfterDelay,
    }

    [Fact]
    public async Task CrashHarness_SigkillDuringCreateUpdateOrRollback_ResumeOrCancelLeavesNothingUnknown()
    {
        var rounds = EnvironmentInt("HEARTH_CRASH_ROUNDS") ?? 20;
        var firstSeed = EnvironmentInt("HEARTH_CRASH_SEED") ?? 1;
        var summary = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var round = 0; round < rounds; round++)
        {
            var seed = firstSeed + round;
            var description = await RunRoundAsync(round, seed).WaitAsync(RoundTimeout);
            summary[description] = summary.GetValueOrDefault(description) + 1;
        }

        output.WriteLine($"{rounds} rounds from seed {firstSeed}, all consistent:");
        foreach (var (what, count) in summary.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,4} × {what}");
        }
    }

    /// <summary>One round in a fresh state folder; returns what it did, for the summary.</summary>
    private async Task<string> RunRoundAsync(int round, int seed)
    {
        var random = new Random(seed);
        var kind = (Kind)(round % 3);
        var mode = (KillMode)(round / 3 % 3);
        var recovery = random.Next(2) == 0 ? "resume" : "cancel";
        var crashRecovery = random.Next(4) == 0;
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var markers = Path.Combine(folder.Path, "markers");
        var template = folder.File("crash.yaml", Template);
        string[] Run(params string[] args) => ["--state", state, .. args];
        var log = new StringBuilder($"round {round} seed {seed}: {kind}, kill {mode}, then {recovery}{(crashRecovery ? " (killed too, then again)" : "")}\n");

        try
        {
            if (kind != Kind.Create)
            {
                var created = await CliRunner.RunAsync(Run("stack", "create", StackName, "-t", template, "-P", $"markers={markers}"));
                created.ExitCode.ShouldBe(0, created.ToString());
                await ShouldBeConsistentAsync(state, markers, expectedRows: ResourceCount);
            }

            string[] operation = kind switch
            {
                Kind.Create => Run("stack", "create", StackName, "-t", template, "-P", $"markers={markers}"),
                Kind.ReplaceUpdate => Run("stack", "update", StackName, "--existing", "-P", "version=v1"),
                _ => Run("stack", "update", StackName, "--existing", "-P", "version=v1", "-P", "gen=1", "-P", "fail=true"),
            };

            // Steps of each kind (two per action, one per restore): a create 12, the replacing update 12, the failing
            // update 8 forward and 10 in its rollback. Most failing rounds are killed during the rollback.
            var (environment, delay, killAt) = mode switch
            {
                KillMode.AtStep => KillAtStep(kind switch
                {
                    Kind.Create => random.Next(1, 13),
                    Kind.ReplaceUpdate => random.Next(1, 13),
                    _ => random.Next(4) == 0 ? random.Next(1, 9) : random.Next(9, 19),
                }),
                KillMode.RandomStep => (new Dictionary<string, string> { ["HEARTH_CRASH_AT"] = $"random:{seed}" }, TimeSpan.Zero, $"random:{seed}"),
                _ => (null, TimeSpan.FromMilliseconds(random.Next(150, 1500)), ""),
            };
            var killed = await RunKilledAsync(operation, environment, delay);
            log.Append(CultureInfo.InvariantCulture, $"{killAt}{(delay > TimeSpan.Zero ? $"after {delay.TotalMilliseconds} ms" : "")}: exit {killed.ExitCode}\n");

            var recovered = await RecoverAsync(state, recovery, crashRecovery ? $"random:{seed + 1000}" : null, log);
            var status = await StatusAsync(state);
            log.Append(CultureInfo.InvariantCulture, $"after recovery: {status}\n");
            var expectedRows = status is "ROLLBACK_COMPLETE" && kind == Kind.Create ? 0 : ResourceCount;
            if (recovered || status is not null)
            {
                await ShouldBeConsistentAsync(state, markers, expectedRows);
            }

            if (status is null)
            {
                // Killed while starting, before the stack was recorded: nothing ran.
                Markers(markers).ShouldBeEmpty();
            }

            // The stack takes the next update (a create rolled back to nothing creates everything again).
            var next = await CliRunner.RunAsync(Run("stack", status is null ? "create" : "update", StackName, "-t", template, "-P", $"markers={markers}", "-P", "version=v2", "-P", "gen=2"));
            next.ExitCode.ShouldBe(0, next.ToString());
            await ShouldBeConsistentAsync(state, markers, ResourceCount);

            var deleted = await CliRunner.RunAsync(Run("stack", "delete", StackName, "--yes"));
            deleted.ExitCode.ShouldBe(0, deleted.ToString());
            Markers(markers).ShouldBeEmpty("a deleted stack leaves no marker");
            return $"{kind}, kill {mode}, {recovery}{(crashRecovery ? " killed and again" : "")} → {status}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{log}{e.Message}", e);
        }
        finally
        {
            await DeploymentProcesses.WaitForNoneAsync(state);
            DeploymentProcesses.KillAll(state);
        }
    }

    private static (IReadOnlyDictionary<string, string>?, TimeSpan, string) KillAtStep(int step) =>
        (new Dictionary<string, string> { ["HEARTH_CRASH_AT"] = step.ToString(CultureInfo.InvariantCulture) }, TimeSpan.Zero, $"step {step}");

    /// <summary>Runs an operation to be killed: by the hook, or by the test after a delay (if it has not ended by then).</summary>
    private static async Task<CliResult> RunKilledAsync(string[] args, IReadOnlyDictionary<string, string>? environment, TimeSpan delay)
    {
        using var process = HearthProcess.Start(environment, args);
        if (delay <= TimeSpan.Zero)
        {
            return await process.WaitAsync();
        }

        // Every wait is awaited before the process is disposed: a wait left pending would fault on the disposed
        // process later, unobserved (HearthTestFramework fails the run for that).
        var ended = process.WaitAsync();
        if (await Task.WhenAny(ended, Task.Delay(delay)) != ended)
        {
            await process.KillAsync();
        }

        return await ended;
    }

    /// <summary>Resumes or cancels until the stack is no longer interrupted; the first try may be killed too. True when a recovery ran.</summary>
    private static async Task<bool> RecoverAsync(string state, string command, string? crashAt, StringBuilder log)
    {
        // A script the killed engine started runs on in its own session until the resume or cancel stops it (see
        // LeftoverScriptTests); here it is waited for, bounded, so that the rounds also cover recoveries that find none.
        await DeploymentProcesses.WaitForNoneAsync(state);
        if (await StatusAsync(state) is not { } status || !status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal))
        {
            log.Append("not interrupted (the operation ended before the kill)\n");
            return false;
        }

        if (crashAt is not null)
        {
            var first = await HearthProcess.RunAsync(new Dictionary<string, string> { ["HEARTH_CRASH_AT"] = crashAt }, "--state", state, "stack", command, StackName);
            log.Append(CultureInfo.InvariantCulture, $"{command} with HEARTH_CRASH_AT={crashAt}: exit {first.ExitCode}, {await StatusAsync(state)}\n");
            await DeploymentProcesses.WaitForNoneAsync(state);
            if (await StatusAsync(state) is { } after && !after.EndsWith("_IN_PROGRESS", StringComparison.Ordinal))
            {
                return true;
            }
        }

        var result = await HearthProcess.RunAsync("--state", state, "stack", command, StackName);
        log.Append(CultureInfo.InvariantCulture, $"{command}: exit {result.ExitCode}\n{result.Error}\n");
        // A resumed failing update fails again and rolls back (exit 1); anything else must succeed.
        result.ExitCode.ShouldBeOneOf([0, 1], result.ToString());
        return true;
    }

    private static async Task<string?> StatusAsync(string state)
    {
        await using var store = await SqliteStateStore.OpenAsync(state, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var stack = await store.GetStackByNameAsync(StackName, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        return stack is null ? null : HeatStatus.Format(stack.Action, stack.Status);
    }

    /// <summary>
    /// The stack is settled (COMPLETE, unlocked, every row current and COMPLETE) and the marker files are exactly the
    /// current deployments, each holding the name and inputs the state records for it.
    /// </summary>
    private static async Task ShouldBeConsistentAsync(string state, string markers, int expectedRows)
    {
        await using var store = await SqliteStateStore.OpenAsync(state, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var stack = await store.GetStackByNameAsync(StackName, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        stack.ShouldNotBeNull();
        HeatStatus.Format(stack.Action, stack.Status).ShouldEndWith("_COMPLETE", customMessage: stack.StatusReason);
        // Free, or held by a process that is gone (killed after taking the lock, before recording anything): such a lock
        // is taken over by the next operation, which the round then runs.
        var holder = await store.GetLockHolderAsync(stack.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        (holder is null || !ProcessLiveness.IsAlive(holder)).ShouldBeTrue($"the lock is held by a live process: {holder}");
        var rows = await store.ListResourcesAsync(stack.Id, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var lines = rows.Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)} current={r.IsCurrent}").ToList();
        lines.ShouldAllBe(line => line.Contains("_COMPLETE current=True"), string.Join("\n", lines));
        rows.Count.ShouldBe(expectedRows, string.Join("\n", lines));

        var expected = rows
            .Where(r => r.Type == "OS::Heat::SoftwareDeployment")
            .ToDictionary(r => r.PhysicalId ?? $"(no id: {r.Name})", r => MarkerOf(r), StringComparer.Ordinal);
        var actual = Markers(markers);
        actual.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}")
            .ShouldBe(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}"),
                "the markers left by scripts are the current deployments with their recorded inputs");
    }

    private static string MarkerOf(ResourceRecord row)
    {
        var inputs = ValueJson.DeserializeMap(row.PropertiesJson).GetValueOrDefault("input_values") as IReadOnlyDictionary<string, object?>;
        return $"{row.Name} {Value.ToPythonString(inputs?.GetValueOrDefault("version"))} {Value.ToPythonString(inputs?.GetValueOrDefault("gen"))}";
    }

    private static Dictionary<string, string> Markers(string markers) =>
        Directory.Exists(markers)
            ? Directory.GetFiles(markers).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal)
            : [];

    private static int? EnvironmentInt(string name) =>
        int.TryParse(System.Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
