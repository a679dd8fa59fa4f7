using Hearth.Execution.Containers;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Execution.Tests.Containers;

/// <summary>
/// heat-agents' own hook tests (tests/test_hook_docker_cmd.py) ported as data: each case is a config and the command
/// lines Heat's hook gives docker for it, which Hearth gives podman the same way, after the container's name and labels
/// (Hearth's own labels follow Heat's). Heat's test configs carry a key <c>name</c> the hook never reads: Hearth refuses
/// unknown keys, so it is left out here.
/// </summary>
public sealed class PodmanArgumentsTests
{
    private const string HeatConfig = """
        db:
          image: xxx
          privileged: false
          environment: [foo=bar]
          env_file: env.file
          start_order: 0
        web-ls:
          action: exec
          start_order: 2
          command: [web, /bin/ls, -l]
        web:
          start_order: 1
          image: yyy
          net: host
          restart: always
          privileged: true
          user: root
          command: /bin/webserver start
          volumes: [/run:/run, db:/var/lib/db]
          environment: [KOLLA_CONFIG_STRATEGY=COPY_ALWAYS, FOO=BAR]
          env_file: [foo.env, bar.conf]
        """;

    public static TheoryData<string, string[]> HeatRunCases => new()
    {
        { "db", ["--detach=true", "--env-file=env.file", "--env=foo=bar", "--privileged=false", "xxx"] },
        {
            "web",
            [
                "--detach=true", "--env-file=foo.env", "--env-file=bar.conf", "--env=KOLLA_CONFIG_STRATEGY=COPY_ALWAYS", "--env=FOO=BAR",
                "--net=host", "--privileged=true", "--restart=always", "--user=root", "--volume=/run:/run", "--volume=db:/var/lib/db",
                "yyy", "/bin/webserver", "start",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(HeatRunCases))]
    public void RunSettings_HeatHookCases_SameArgumentsAsHeatGivesDocker(string container, string[] expected)
    {
        PodmanArguments.RunSettings(Spec(HeatConfig, container)).ShouldBe(expected);
    }

    [Fact]
    public void Read_HeatHookConfig_StartOrderSortsRunsBeforeExec()
    {
        var reading = DockerCmdConfig.Read(HeatConfig);

        reading.Problems.ShouldBeEmpty();
        reading.Containers.Select(c => c.Name).ShouldBe(["db", "web", "web-ls"]);
    }

    [Fact]
    public void Run_HeatHookDb_NameAndHeatLabelsThenHearthLabelsThenSettings()
    {
        var spec = Spec(HeatConfig, "db");
        var context = new ContainerContext("abc123", "the_stack", "the_deployment");

        PodmanArguments.Run(spec, "db-abc123-1", PodmanArguments.Labels(context, spec, "h", 1)).ShouldBe(
        [
            "podman", "run", "--name", "db-abc123-1",
            "--label", "deploy_stack_id=the_stack",
            "--label", "deploy_resource_name=the_deployment",
            "--label", "config_id=abc123",
            "--label", "container_name=db",
            "--label", "managed_by=docker-cmd",
            "--label", "hearth.deployment=abc123",
            "--label", "hearth.settings=h",
            "--label", "hearth.generation=1",
            "--detach=true", "--env-file=env.file", "--env=foo=bar", "--privileged=false", "xxx",
        ]);
    }

    public static TheoryData<string, string, string[]> HeatExecCases => new()
    {
        // test_hook: the exec's first command item is the container, found by its labels (here its id).
        { HeatConfig, "web-ls", ["podman", "exec", "ID", "/bin/ls", "-l"] },
        // test_hook_exit_codes: exit_codes does not change the command line.
        { "web-ls: {action: exec, command: [web, /bin/ls, -l], exit_codes: [0, 1]}", "web-ls", ["podman", "exec", "ID", "/bin/ls", "-l"] },
        { "ls: {action: exec, command: web ls /, user: root, privileged: true}", "ls", ["podman", "exec", "--privileged=true", "--user=root", "ID", "ls", "/"] },
    };

    [Theory]
    [MemberData(nameof(HeatExecCases))]
    public void Exec_HeatHookCases_TargetThenCommand(string config, string container, string[] expected)
    {
        PodmanArguments.Exec(Spec(config, container), "ID").ShouldBe(expected);
    }

    [Fact]
    public void Read_HeatHookExitCodes_KeptAndDefaultIsZero()
    {
        Spec("web-ls: {action: exec, command: [web, /bin/ls, -l], exit_codes: [0, 1]}", "web-ls").ExitCodes.ShouldBe([0L, 1L]);
        Spec(HeatConfig, "db").ExitCodes.ShouldBe([0L]);
    }

    [Fact]
    public void RunSettings_PaunchKeys_StopHealthCapsUlimitHostnamePorts()
    {
        const string config = """
            api:
              image: img
              detach: false
              environment: {A: 1, B: two}
              cap_add: [NET_ADMIN]
              cap_drop: [ALL]
              hostname: api
              ulimit: [nofile=1024]
              ports: ["127.0.0.1::80"]
              stop_signal: SIGKILL
              stop_grace_period: 3
              healthcheck: {test: [CMD-SHELL, wget -q -O- http://127.0.0.1/], interval: 500ms, timeout: 2s, retries: 7}
              command: [httpd, -f]
            """;

        PodmanArguments.RunSettings(Spec(config, "api")).ShouldBe(
        [
            "--env=A=1", "--env=B=two", "--cap-add=NET_ADMIN", "--cap-drop=ALL", "--hostname=api", "--ulimit=nofile=1024",
            "--publish=127.0.0.1::80", "--stop-signal=SIGKILL", "--stop-timeout=3",
            "--health-cmd=wget -q -O- http://127.0.0.1/", "--health-interval=500ms", "--health-timeout=2s", "--health-retries=7",
            "img", "httpd", "-f",
        ]);
    }

    [Fact]
    public void RunCommand_Environment_ValuesOnStdinAsAnEnvFileOrInPodmansEnvironmentNeverInArgv()
    {
        const string config = """
            api:
              image: img
              env_file: [own.env]
              environment: {A: "1", SECRET: "s3cr3t=x", PEM: "line one\nline two"}
            """;

        var command = PodmanArguments.RunCommand(Spec(config, "api"), "api-1", [new("l", "v")]);

        command.Arguments.ShouldBe(["podman", "run", "--name", "api-1", "--label", "l=v", "--detach=true", "--env-file=own.env", "--env-file=/dev/stdin", "--env=PEM", "img"]);
        command.StandardInput.ShouldBe("A=1\nSECRET=s3cr3t=x\n");
        command.Environment.ShouldBe(new Dictionary<string, string> { ["PEM"] = "line one\nline two" });
    }

    [Theory]
    [InlineData("{image: i, net: host}", "it uses the host's network (net: host)")]
    [InlineData("{image: i, ports: ['8080:80']}", "it publishes the fixed host port 8080:80")]
    [InlineData("{image: i, ports: ['127.0.0.1:8080:80']}", "it publishes the fixed host port 127.0.0.1:8080:80")]
    [InlineData("{image: i, ports: ['127.0.0.1::80', '80']}", null)]
    [InlineData("{image: i}", null)]
    public void SideBySideConflict_FixedPortOrHostNetwork_Named(string settings, string? expected)
    {
        PodmanArguments.SideBySideConflict(Spec($"c: {settings}", "c")).ShouldBe(expected);
    }

    private static ContainerSpec Spec(string config, string name)
    {
        var reading = DockerCmdConfig.Read(config);
        reading.Problems.ShouldBeEmpty();
        return reading.Containers.Single(c => c.Name == name);
    }
}
