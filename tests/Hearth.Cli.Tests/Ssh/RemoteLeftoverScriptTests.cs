using System.Globalization;
using Hearth.Cli.Tests.EndToEnd;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>
/// The crash harness of <see cref="LeftoverScriptTests"/> on a server reached over SSH: the real <c>hearth</c> killed
/// with SIGKILL while a deployment's script runs on the host. The script runs on there (detached from the session);
/// the resume or cancel that follows finds it on the host and stops it before anything runs again.
/// </summary>
[Collection(SshHostsCollection.Name)]
public sealed class RemoteLeftoverScriptTests : IDisposable
{
    private const string StackName = "s";

    // As in LeftoverScriptTests: the first run of each action sleeps 30 s between its "start" and "end" lines.
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          dir: {type: string}
          host: {type: string}
          port: {type: number}
          user: {type: string}
          key_file: {type: string}
          host_key: {type: string}
          actions: {type: comma_delimited_list, default: [CREATE, UPDATE, DELETE]}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: host}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: host_key}}
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

    private readonly SshHosts _hosts;
    private readonly TempDirectory _folder = new();

    /// <summary>Where the scripts log: writable by the test user, whom they run as.</summary>
    private readonly string _shared;

    public RemoteLeftoverScriptTests(SshHosts hosts)
    {
        _hosts = hosts;
        _shared = hosts.SharedFolder();
    }

    private string State => Path.Combine(_folder.Path, "state");

    private string Log => Path.Combine(_shared, "log");

    [Fact]
    public async Task Resume_SigkillWhileARemoteCreateScriptRuns_StoppedOnTheHostBeforeTheCreateRunsAgain()
    {
        var old = await KillDuringAsync("CREATE", Create());

        var resumed = await HearthProcess.RunAsync(Run("stack", "resume", StackName));

        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        IsRunning(old).ShouldBeFalse("the old script was stopped on the host");
        var lines = await File.ReadAllLinesAsync(Log);
        lines.Length.ShouldBe(3, string.Join("\n", lines));
        lines[0].ShouldBe($"start CREATE {old}");
        lines[1].ShouldStartWith("start CREATE ");
        lines[2].ShouldBe($"end {lines[1]["start ".Length..]}", "the second run ran alone, to its end; the first never ended");
        resumed.Error.ShouldContain("Stack CREATE started; stopped the CREATE script left running by an interrupted operation (pid ");
        resumed.Error.ShouldContain($" on ssh {SshHosts.User}@{_hosts.Hosts[0].Address}:{_hosts.Hosts[0].Port})");
        (await StatusAsync()).ShouldBe("CREATE_COMPLETE");
    }

    [Fact]
    public async Task Cancel_SigkillWhileARemoteCreateScriptRuns_StoppedOnTheHostThenTheDeleteRuns()
    {
        await File.WriteAllTextAsync(Path.Combine(_shared, "slept-DELETE"), "");
        var old = await KillDuringAsync("CREATE", Create());

        var cancelled = await HearthProcess.RunAsync(Run("stack", "cancel", StackName));

        cancelled.ExitCode.ShouldBe(0, cancelled.ToString());
        cancelled.Error.ShouldContain("Stack ROLLBACK started; stopped the CREATE script left running by an interrupted operation (pid ");
        IsRunning(old).ShouldBeFalse("the CREATE a dead engine left running does not outlive the rollback");
        var lines = await File.ReadAllLinesAsync(Log);
        lines.Select(line => string.Join(' ', line.Split(' ').Take(2))).ShouldBe(["start CREATE", "start DELETE", "end DELETE"]);
        (await StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
    }

    public void Dispose()
    {
        foreach (var line in File.Exists(Log) ? File.ReadAllLines(Log) : [])
        {
            if (int.TryParse(line.Split(' ')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsRunning(pid))
            {
                ProcessTable.Kill([pid]);
            }
        }

        _folder.Dispose();
        Directory.Delete(_shared, recursive: true);
    }

    private string[] Create()
    {
        var host = _hosts.Hosts[0];
        return Run("stack", "create", StackName, "-t", _folder.File("stack.yaml", Template),
            "-P", $"dir={_shared}", "-P", $"host={host.Address}", "-P", $"port={host.Port}", "-P", $"user={SshHosts.User}",
            "-P", $"key_file={_hosts.KeyFile}", "-P", $"host_key={host.HostKey}");
    }

    private static bool IsRunning(int pid) => ProcessTable.Stat(pid) is { State: not 'Z' };

    private string[] Run(params string[] args) => ["--state", State, .. args];

    /// <summary>Starts hearth, SIGKILLs it once the first run of <paramref name="action"/> has started on the host, and returns that script's pid.</summary>
    private async Task<int> KillDuringAsync(string action, string[] args)
    {
        using var hearth = HearthProcess.Start(args);
        var prefix = $"start {action} ";
        string? line = null;
        using (var timeout = new CancellationTokenSource(HearthProcess.Timeout))
        {
            while ((line = ReadLog().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))) is null)
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
        IsRunning(pid).ShouldBeTrue("the script runs on after its engine died");
        return pid;
    }

    private string[] ReadLog() => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    private async Task<string?> StatusAsync()
    {
        await using var store = await SqliteStateStore.OpenAsync(State, TimeProvider.System, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        var stack = await store.GetStackByNameAsync(StackName, CancellationToken.None).WaitAsync(HearthProcess.Timeout);
        return stack is null ? null : HeatStatus.Format(stack.Action, stack.Status);
    }
}
