using System.Globalization;
using Hearth.Cli.Tests.EndToEnd;
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
    private const string StackName = LeftoverScripts.StackName;

    private const string Template = $$$"""
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
        {{{LeftoverScripts.ConfigAndDeployment}}}
        """;

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
    private Task<int> KillDuringAsync(string action, string[] args) => LeftoverScripts.KillDuringAsync(action, args, Log, IsRunning);

    private Task<string?> StatusAsync() => LeftoverScripts.StatusAsync(State);
}
