using Hearth.Cli.Tests.Deployments;
using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>Stacks whose deployments run on servers reached over SSH (real sshd on 127.0.0.2 …), through the in-process <c>hearth</c>.</summary>
[Collection(SshHostsCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshStackTests(SshHosts hosts)
{
    /// <summary>A backend on one host, its frontend on another given the backend's address, a check on a third.</summary>
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          port: {type: number}
          user: {type: string}
          key_file: {type: string}
          hosts: {type: comma_delimited_list}
          host_keys: {type: comma_delimited_list}
          version: {type: string, default: v1}
        resources:
          backend_server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: [hosts, 0]}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: [host_keys, 0]}}
          frontend_server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: [hosts, 1]}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: [host_keys, 1]}}
          check_server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: [hosts, 2]}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: [host_keys, 2]}}
          where:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: upstream}, {name: version}]
              outputs: [{name: address}, {name: seen}]
              config: |
                #!/bin/sh
                set -- $SSH_CONNECTION
                printf '%s' "$3" > "${heat_outputs_path}.address"
                printf '%s %s' "$upstream" "$version" > "${heat_outputs_path}.seen"
          backend:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: where}, server: {get_resource: backend_server}, input_values: {upstream: none, version: {get_param: version}}}
          frontend:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: where}, server: {get_resource: frontend_server}, input_values: {upstream: {get_attr: [backend, address]}, version: {get_param: version}}}
          check:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: where}, server: {get_resource: check_server}, input_values: {upstream: {get_attr: [frontend, address]}, version: {get_param: version}}}
        outputs:
          backend: {value: {get_attr: [backend, address]}}
          frontend: {value: {get_attr: [frontend, address]}}
          frontend_saw: {value: {get_attr: [frontend, seen]}}
          check: {value: {get_attr: [check, address]}}
          check_saw: {value: {get_attr: [check, seen]}}
        """;

    [Fact]
    public async Task Create_ThreeServersOverSsh_EachDeploymentRunsOnItsHostAndAddressesFlow()
    {
        await using var stack = new DeploymentStack(Template);

        await stack.CreateAsync(Parameters());

        var outputs = await stack.OutputsAsync();
        var (a, b, c) = (hosts.Hosts[0].Address, hosts.Hosts[1].Address, hosts.Hosts[2].Address);
        outputs["backend"].ShouldBe(a);
        outputs["frontend"].ShouldBe(b);
        outputs["frontend_saw"].ShouldBe($"{a} v1");
        outputs["check"].ShouldBe(c);
        outputs["check_saw"].ShouldBe($"{b} v1");
    }

    [Fact]
    public async Task Update_ThenDelete_RerunsRemotelyAndRemovesTheWorkingFolders()
    {
        await using var stack = new DeploymentStack(Template);
        var before = Folders();
        await stack.CreateAsync(Parameters());
        var ours = Folders().Except(before).ToList();
        ours.Count.ShouldBe(3);

        var update = await stack.RunAsync(["stack", "update", DeploymentStack.Name, "--existing", "--parameter", "version=v2"]);

        update.ExitCode.ShouldBe(0, update.ToString());
        (await stack.OutputAsync("check_saw")).ShouldBe($"{hosts.Hosts[1].Address} v2");

        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        ours.ShouldAllBe(folder => !Directory.Exists(folder));
    }

    [Fact]
    public async Task Update_AfterCreate_RunsOnTheSessionsTheCreateLeftWithTheStatesBroker()
    {
        await using var stack = new DeploymentStack(Template);
        var before = Sessions();
        await stack.CreateAsync(Parameters());
        var created = Sessions().Except(before).ToList();
        created.Count.ShouldBe(3, "one dispatcher session per host");
        var broker = $"--state {stack.State} ssh-broker";
        DeploymentStack.ProcessesWith(broker).ShouldHaveSingleItem("the create started the state folder's broker, which outlives it");

        var update = await stack.RunAsync(["stack", "update", DeploymentStack.Name, "--existing", "--parameter", "version=v2"]);

        update.ExitCode.ShouldBe(0, update.ToString());
        (await stack.OutputAsync("check_saw")).ShouldBe($"{hosts.Hosts[1].Address} v2");
        Sessions().Except(before).ShouldBe(created, ignoreOrder: true, "the update started no session: it used the create's, which the broker kept");
        await stack.DisposeAsync();
        (await DeploymentStack.EventuallyAsync(() => DeploymentStack.ProcessesWith(broker).Count == 0)).ShouldBeTrue("the broker ends once its state folder is gone");
    }

    [Fact]
    public async Task Create_ServerWithAnotherHostsKey_FailsSayingSoAndRunsNothingThere()
    {
        await using var stack = new DeploymentStack(Template);
        var keys = string.Join(',', hosts.Hosts[0].HostKey, hosts.Hosts[0].HostKey, hosts.Hosts[2].HostKey);

        var result = await stack.RunAsync([
            "stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, .. Parameters(keys),
        ]);

        result.ExitCode.ShouldNotBe(0);
        result.ToString().ShouldContain($"the host key of ssh {SshHosts.User}@{hosts.Hosts[1].Address}:{hosts.Hosts[1].Port} is not its ssh.known_host_key: nothing was run there.");
    }

    [Fact]
    public async Task Create_SshServerWithoutHost_FailsAtTheServerSayingWhatToGive()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties: {software_config_transport: SSH, ssh: {user: deploy}}
            """);

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath);

        result.ExitCode.ShouldNotBe(0);
        result.ToString().ShouldContain("server 'server' uses the SSH transport but has no ssh.host; give ssh: {host: ADDRESS, user: USER, key_file: PATH, known_host_key: KEY}");
    }

    /// <summary>
    /// A server given another host moves its deployment: created on the new host, then deleted on the old one (its
    /// DELETE action runs there), never left running where the state no longer looks.
    /// </summary>
    [Fact]
    public async Task Update_ServerMovedToAnotherHost_ReplacesItsDeploymentCreatingThereAndDeletingOnTheOldHost()
    {
        var log = Path.Combine(Path.GetTempPath(), $"hearth-moves-{Guid.NewGuid():N}");
        Directory.CreateDirectory(log);
        File.SetUnixFileMode(log, (UnixFileMode)0x1FF); // the ssh user writes here
        try
        {
            await using var stack = new DeploymentStack(MovingTemplate);
            string[] common = ["-P", $"port={hosts.Hosts[0].Port}", "-P", $"user={SshHosts.User}", "-P", $"key_file={hosts.KeyFile}", "-P", $"log={log}/actions"];
            await stack.CreateAsync([.. common, "-P", $"host={hosts.Hosts[0].Address}", "-P", $"host_key={hosts.Hosts[0].HostKey}"]);
            var first = (await stack.ResourceAsync("work")).GetProperty("physical_resource_id").GetString();

            var moved = await stack.RunAsync(["stack", "update", DeploymentStack.Name, "-t", stack.TemplatePath, .. common,
                "-P", $"host={hosts.Hosts[1].Address}", "-P", $"host_key={hosts.Hosts[1].HostKey}"]);

            moved.ExitCode.ShouldBe(0, moved.ToString());
            (await stack.OutputAsync("where")).ShouldBe(hosts.Hosts[1].Address);
            var afterMove = (await stack.ResourceAsync("work")).GetProperty("physical_resource_id").GetString();
            afterMove.ShouldNotBe(first);
            File.ReadAllLines(Path.Combine(log, "actions")).ShouldBe(
                [$"CREATE {hosts.Hosts[0].Address}", $"CREATE {hosts.Hosts[1].Address}", $"DELETE {hosts.Hosts[0].Address}"]);

            // A new key file is another way to reach the same place: the server updates in place, the deployment stays.
            var copy = Path.Combine(stack.Folder, "key_copy");
            File.Copy(hosts.KeyFile, copy);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var rekeyed = await stack.RunAsync(["stack", "update", DeploymentStack.Name, "--existing", "-P", $"key_file={copy}"]);

            rekeyed.ExitCode.ShouldBe(0, rekeyed.ToString());
            rekeyed.Error.ShouldContain("server UPDATE_COMPLETE");
            (await stack.ResourceAsync("work")).GetProperty("physical_resource_id").GetString().ShouldBe(afterMove);
            File.ReadAllLines(Path.Combine(log, "actions")).Length.ShouldBe(3);

            (await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes")).ExitCode.ShouldBe(0);
            File.ReadAllLines(Path.Combine(log, "actions")).Last().ShouldBe($"DELETE {hosts.Hosts[1].Address}");
        }
        finally
        {
            Directory.Delete(log, recursive: true);
        }
    }

    /// <summary>ssh reads '%' in a socket's or known_hosts file's path as a token of its own: a state folder with one still connects.</summary>
    [Fact]
    public async Task Create_StateFolderWithAPercentSignInItsPath_Connects()
    {
        // Inside the stack's folder, which goes with it (and the state's broker ends once its folder is gone).
        await using var stack = new DeploymentStack(Template);
        var state = Path.Combine(stack.Folder, "state-50%d");

        var created = await CliRunner.RunAsync(["--state", state, "stack", "create", "p", "-t", stack.TemplatePath, .. Parameters()]);

        created.ExitCode.ShouldBe(0, created.ToString());
        (await CliRunner.RunAsync("--state", state, "stack", "delete", "p", "--yes")).ExitCode.ShouldBe(0);
    }

    /// <summary>A login that prints to stdout (a ~/.bashrc that echoes): the deployment fails saying so, rather than waiting for a dispatcher's answer.</summary>
    [Fact]
    public async Task Create_LoginPrintsToStdout_FailsSayingWhatTheHostWrote()
    {
        await using var stack = new DeploymentStack(NeverReachedTemplate);
        var key = await hosts.ChattyKeyFileAsync("Welcome to the host!");

        var result = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "-P", $"port={hosts.Hosts[0].Port}",
            "-P", $"user={SshHosts.User}", "-P", $"key_file={key}", "-P", $"host={hosts.Hosts[0].Address}", "-P", $"host_key={hosts.Hosts[0].HostKey}");

        result.ExitCode.ShouldNotBe(0);
        result.Error.ShouldContain("the host wrote 'Welcome to the host!' where Hearth's dispatcher was to answer: something the SSH user's login runs writes to stdout");
    }

    [Fact]
    public async Task Create_KeyFileMissingOrReadableByOthers_FailsSayingWhatIsWrongWithIt()
    {
        await using var first = new DeploymentStack(NeverReachedTemplate);
        await using var second = new DeploymentStack(NeverReachedTemplate);
        var open = Path.Combine(first.Folder, "open_key");
        File.Copy(hosts.KeyFile, open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var missing = Path.Combine(second.Folder, "no_such_key");
        string[] parameters(DeploymentStack stack, string key) =>
        [
            "stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath,
            "-P", $"port={hosts.Hosts[0].Port}", "-P", $"user={SshHosts.User}", "-P", $"key_file={key}",
            "-P", $"host={hosts.Hosts[0].Address}", "-P", $"host_key={hosts.Hosts[0].HostKey}",
        ];

        var withOpen = await first.RunAsync(parameters(first, open));
        var withMissing = await second.RunAsync(parameters(second, missing));

        withOpen.ExitCode.ShouldNotBe(0);
        withOpen.Error.ShouldContain($"ssh.key_file {open} can be read by other users, and ssh will not use such a key: chmod 600 {open}");
        withMissing.ExitCode.ShouldNotBe(0);
        withMissing.Error.ShouldContain($"ssh.key_file {missing} cannot be read on this machine (Warning: Identity file {missing} not accessible: No such file or directory); give the path of the private key here");
    }

    [Theory]
    [InlineData("key_file=relative_key", "ssh.key_file 'relative_key' is relative to the folder this command runs in, and later commands run from others; give it whole (")]
    [InlineData("host=deploy@192.0.2.10", "ssh.host 'deploy@192.0.2.10' names a user; give the host alone in ssh.host and the user in ssh.user")]
    [InlineData("host=192.0.2.10:2222", "ssh.host '192.0.2.10:2222' is not a host name or address; give the host alone in ssh.host and the port in ssh.port")]
    public async Task Create_ServerWithAMisplacedSetting_RefusedBeforeAnythingRunsSayingWhereItGoes(string parameter, string message)
    {
        await using var stack = new DeploymentStack(NeverReachedTemplate);
        string[] defaults = ["port=22", "user=deploy", "key_file=/nonexistent/key", "host=192.0.2.10", $"host_key={hosts.Hosts[0].HostKey}"];

        var result = await stack.RunAsync(["stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath,
            .. defaults.Where(d => d.Split('=')[0] != parameter.Split('=')[0]).Append(parameter).SelectMany(p => new[] { "-P", p })]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain($"error HT504: property 'ssh.{parameter.Split('=')[0]}' of resource 'server': {message}");
        (await stack.RunAsync("stack", "show", DeploymentStack.Name)).ExitCode.ShouldBe(4);
    }

    /// <summary>
    /// The ssh settings of a server on another transport are not used, so not checked: a stack made before the checks,
    /// with placeholders there, still creates and updates.
    /// </summary>
    [Fact]
    public async Task Update_LocalServerWithUnusedSshSettings_NotChecked()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            parameters:
              v: {type: string, default: one}
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties:
                  software_config_transport: LOCAL
                  ssh: {host: "deploy@10.0.0.5", key_file: relative_key, known_host_key: "ssh-ed25519 AAAA-replace-me"}
              config:
                type: OS::Heat::SoftwareConfig
                properties: {group: script, config: "#!/bin/sh\necho $v\n", inputs: [{name: v}]}
              work:
                type: OS::Heat::SoftwareDeployment
                properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {v: {get_param: v}}}
            """);
        await stack.CreateAsync();

        var updated = await stack.UpdateAsync("v=two");

        updated.ExitCode.ShouldBe(0, updated.ToString());
        updated.Error.ShouldNotContain("HT504");
    }

    [Fact]
    public async Task Validate_PlaceholderHostKey_WarnsWithItsPlace()
    {
        await using var stack = new DeploymentStack(NeverReachedTemplate);

        var result = await stack.RunAsync("template", "validate", "-t", stack.TemplatePath, "-P", "port=22", "-P", "user=deploy", "-P", "key_file=/k",
            "-P", "host=192.0.2.10", "-P", "host_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-replace-with-the-host-key");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldMatch(@"stack\.yaml:\d+:\d+: warning HT504: property 'ssh\.known_host_key' of resource 'server': the value is not a host key: its second word is not base64 \(a placeholder, or a key cut short\?\)");
    }

    /// <summary>One deployment whose script logs its action and the address it ran at; the server's host is a parameter.</summary>
    private const string MovingTemplate = """
        heat_template_version: 2021-04-16
        parameters:
          port: {type: number}
          user: {type: string}
          key_file: {type: string}
          host: {type: string}
          host_key: {type: string}
          log: {type: string}
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
              inputs: [{name: log}]
              outputs: [{name: where}]
              config: |
                #!/bin/sh
                set -- $SSH_CONNECTION
                echo "$deploy_action $3" >> "$log"
                printf '%s' "$3" > "${heat_outputs_path}.where"
          work:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, actions: [CREATE, DELETE], input_values: {log: {get_param: log}}}
        outputs:
          where: {value: {get_attr: [work, where]}}
        """;

    /// <summary>
    /// A host this state folder never reached holds nothing of it, so undoing a deployment there needs nothing from it.
    /// (A host reached before and unreachable now still fails the delete: <see cref="UnreachableHostTests"/>.)
    /// </summary>
    [Fact]
    public async Task Create_HostNeverReached_FailsThenRollsBackWithoutItSayingNothingRanThere()
    {
        await using var stack = new DeploymentStack(NeverReachedTemplate);

        var created = await stack.RunAsync(["stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, .. NeverReachedParameters()]);

        created.ExitCode.ShouldNotBe(0);
        var target = $"ssh {SshHosts.User}@{hosts.Hosts[0].Address}:{hosts.Hosts[0].Port + 1}";
        created.Error.ShouldContain($"work CREATE_FAILED Deployment to server failed: could not reach {target}");
        created.Error.ShouldContain($"work DELETE_COMPLETE Nothing to undo on {target}: no action of this deployment ran there, as Hearth never reached it (could not reach {target}");
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
    }

    [Fact]
    public async Task Delete_StackWhoseHostWasNeverReached_Completes()
    {
        await using var stack = new DeploymentStack(NeverReachedTemplate);
        (await stack.RunAsync(["stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback", .. NeverReachedParameters()])).ExitCode.ShouldNotBe(0);
        (await stack.StatusAsync()).ShouldBe("CREATE_FAILED");

        var deleted = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        deleted.Error.ShouldContain("work DELETE_COMPLETE Nothing to undo on");
        (await stack.RunAsync("stack", "show", DeploymentStack.Name)).ExitCode.ShouldBe(4);
    }

    /// <summary>One deployment with a DELETE action on a server whose address nothing listens on (the first host's next port).</summary>
    private const string NeverReachedTemplate = """
        heat_template_version: 2021-04-16
        parameters:
          port: {type: number}
          user: {type: string}
          key_file: {type: string}
          host: {type: string}
          host_key: {type: string}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: SSH
              ssh: {host: {get_param: host}, port: {get_param: port}, user: {get_param: user}, key_file: {get_param: key_file}, known_host_key: {get_param: host_key}}
          config:
            type: OS::Heat::SoftwareConfig
            properties: {group: script, config: "#!/bin/sh\necho $deploy_action\n"}
          work:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, actions: [CREATE, DELETE]}
        """;

    private string[] NeverReachedParameters() =>
    [
        "-P", $"port={hosts.Hosts[0].Port + 1}",
        "-P", $"user={SshHosts.User}",
        "-P", $"key_file={hosts.KeyFile}",
        "-P", $"host={hosts.Hosts[0].Address}",
        "-P", $"host_key={hosts.Hosts[0].HostKey}",
    ];

    private string DeploymentsFolder => Path.Combine(hosts.UserHome, ".hearth", "deployments");

    /// <summary>The hosts' dispatcher sessions (each one's reply token, named by its process id).</summary>
    private HashSet<string> Sessions() => Directory.Exists(DeploymentsFolder) ? [.. Directory.EnumerateFiles(DeploymentsFolder, ".s*.token")] : [];

    private HashSet<string> Folders() => Directory.Exists(DeploymentsFolder) ? [.. Directory.EnumerateDirectories(DeploymentsFolder)] : [];

    private string[] Parameters(string? hostKeys = null) =>
    [
        "--parameter", $"port={hosts.Hosts[0].Port}",
        "--parameter", $"user={SshHosts.User}",
        "--parameter", $"key_file={hosts.KeyFile}",
        "--parameter", $"hosts={string.Join(',', hosts.Hosts.Select(h => h.Address))}",
        "--parameter", $"host_keys={hostKeys ?? string.Join(',', hosts.Hosts.Select(h => h.HostKey))}",
    ];
}
