using System.Text.Json.Nodes;

namespace Hearth.Cli.Tests.Signals;

/// <summary>Wait conditions: a script signals its handle through the handle's command; failures and timeouts roll back.</summary>
public sealed class WaitConditionTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          timeout: {type: number, default: 30}
          status: {type: string, default: SUCCESS}
          send: {type: boolean, default: true}
        resources:
          server: {type: OS::Heat::DeployedServer}
          handle: {type: OS::Heat::WaitConditionHandle}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: signal}, {name: status}, {name: send}]
              config: |
                #!/bin/sh
                # Signal from the background once this deployment has completed and the wait condition waits.
                if [ "$send" = "True" ]; then
                  ( sleep 1; eval "$signal '{\"status\": \"$status\", \"reason\": \"from the script\", \"data\": \"hello\", \"id\": \"s1\"}'" ) >/dev/null 2>&1 </dev/null &
                fi
          deploy:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {signal: {get_attr: [handle, curl_cli]}, status: {get_param: status}, send: {get_param: send}}
          wait:
            type: OS::Heat::WaitCondition
            depends_on: deploy
            properties:
              handle: {get_resource: handle}
              timeout: {get_param: timeout}
        outputs:
          data: {value: {get_attr: [wait, data]}}
        """;

    [Fact]
    public async Task Create_ScriptSignalsSuccess_WaitConditionCompletesWithTheData()
    {
        using var temp = new TempDirectory();
        var template = temp.File("wait.yaml", Template);

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "w", "-t", template, "-f", "json");

        created.ExitCode.ShouldBe(0, created.ToString());
        var data = JsonNode.Parse(created.Out)!["outputs"]!.AsArray().Single(o => (string?)o!["output_key"] == "data")!["output_value"]!.GetValue<string>();
        JsonNode.Parse(data)!["s1"]!.GetValue<string>().ShouldBe("hello");
        var events = await CliRunner.RunAsync("--state", temp.Path, "stack", "event", "list", "w");
        events.Out.ShouldContain("Signal received:");
    }

    [Fact]
    public async Task Create_ScriptSignalsFailure_FailsAndRollsBack()
    {
        using var temp = new TempDirectory();
        var template = temp.File("wait.yaml", Template);

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "w", "-t", template, "--parameter", "status=FAILURE");

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain("WaitCondition failed: from the script");
        created.Error.ShouldContain("ROLLBACK_COMPLETE");
    }

    [Fact]
    public async Task Create_NoSignal_TimesOutAndRollsBack()
    {
        using var temp = new TempDirectory();
        var template = temp.File("wait.yaml", Template);

        var created = await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "w", "-t", template, "--parameter", "send=false", "--parameter", "timeout=1");

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain("WaitCondition timed out after 1s: 0 of 1 success signals received");
        created.Error.ShouldContain("ROLLBACK_COMPLETE");
    }

    [Fact]
    public async Task Signal_NotAHandle_ExplainsAndFails()
    {
        using var temp = new TempDirectory();
        var template = temp.File("wait.yaml", Template);
        await CliRunner.RunAsync("--state", temp.Path, "stack", "create", "w", "-t", template);

        var signal = await CliRunner.RunAsync("--state", temp.Path, "stack", "signal", "w", "server");

        signal.ExitCode.ShouldBe(2);
        signal.Error.ShouldContain("only OS::Heat::WaitConditionHandle resources take signals");
    }
}
