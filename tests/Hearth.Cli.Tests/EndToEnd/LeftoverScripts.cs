using System.Globalization;
using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// What the tests of scripts a killed engine left running share, whether the script runs here
/// (<see cref="LeftoverScriptTests"/>) or on an SSH host (<c>RemoteLeftoverScriptTests</c>): the deployment that logs its
/// runs, killing hearth during one, and reading the stack's status from the state.
/// </summary>
internal static class LeftoverScripts
{
    public const string StackName = "s";

    /// <summary>
    /// The config and deployment on <c>server</c>, for a template with parameters <c>dir</c> and <c>actions</c>. Every run
    /// logs "start ACTION PID" and "end ACTION PID" to <c>$dir/log</c>; the first run of each action (no
    /// <c>slept-ACTION</c> file yet) sleeps 30 s in between, long enough for the test to kill hearth during it and for a
    /// resume to start beside it.
    /// </summary>
    public const string ConfigAndDeployment = """
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: dir}]
              config: |
                #!/bin/sh
                echo "start $deploy_action $$" >> "$dir/log"
                if [ ! -e "$dir/slept-$deploy_action" ]; then
                  touch "$dir/slept-$deploy_action"
                  sleep 30
                fi
                echo "end $deploy_action $$" >> "$dir/log"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: {get_param: actions}
              input_values: {dir: {get_param: dir}}
        """;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Starts hearth with <paramref name="args"/>, SIGKILLs it once the first run of <paramref name="action"/> has logged
    /// its start to <paramref name="log"/>, and returns that script's pid (which <paramref name="isRunning"/> must still say runs).
    /// </summary>
    public static async Task<int> KillDuringAsync(string action, string[] args, string log, Func<int, bool> isRunning)
    {
        using var hearth = HearthProcess.Start(args);
        var prefix = $"start {action} ";
        string? line = null;
        using (var timeout = new CancellationTokenSource(HearthProcess.Timeout))
        {
            while ((line = ReadLog(log).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))) is null)
            {
                if (hearth.HasExited)
                {
                    throw new InvalidOperationException($"hearth ended before its {action} script started: {await hearth.WaitAsync()}");
                }

                await Task.Delay(PollInterval, timeout.Token);
            }
        }

        var killed = await hearth.KillAsync();
        killed.ExitCode.ShouldNotBe(0);
        var pid = int.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
        isRunning(pid).ShouldBeTrue("the script runs on after its engine died");
        return pid;
    }

    public static string[] ReadLog(string log) => File.Exists(log) ? File.ReadAllLines(log) : [];

    /// <summary>The stack's status in the state (<c>CREATE_COMPLETE</c>), or null when there is no such stack.</summary>
    public static async Task<string?> StatusAsync(string state)
    {
        await using var store = await SqliteStateStore.OpenAsync(state, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var stack = await store.GetStackByNameAsync(StackName, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        return stack is null ? null : HeatStatus.Format(stack.Action, stack.Status);
    }
}
