using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Cli.Tests.Deployments;

/// <summary>
/// A hidden parameter reaches scripts as it is, and shows as <c>******</c> in every read: input values, what a
/// script prints or writes as outputs, outputs derived from it, events and failure reasons, in every format.
/// </summary>
public sealed class HiddenValueTests
{
    private const string Secret = "Hunter2-s3cret";
    private const string ShortSecret = "pw1";
    private static readonly string[] Formats = ["table", "json", "yaml"];

    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          password: {type: string, hidden: true}
          pin: {type: string, hidden: true}
          round: {type: number, default: 1}
          fail: {type: boolean, default: false}
        conditions:
          failing: {get_param: fail}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: password}, {name: pin}, {name: url}, {name: round}]
              outputs: [{name: echo}]
              config: |
                #!/bin/sh
                printf '%s %s %s\n' "$password" "$pin" "$url" >> @DIR@/received
                echo "password is $password"
                echo "to stderr: $password" >&2
                printf 'got %s' "$password" > "${heat_outputs_path}.echo"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values:
                password: {get_param: password}
                pin: {get_param: pin}
                url: {str_replace: {template: "https://u:PW@host", params: {PW: {get_param: password}}}}
                round: {get_param: round}
        """ + SecretStacks.FailingDeployment + """
        outputs:
          echo: {value: {get_attr: [deployment, echo]}}
          stdout: {value: {get_attr: [deployment, deploy_stdout]}}
          derived: {value: {str_replace: {template: "pw=PW", params: {PW: {get_param: password}}}}}
        """;

    [Fact]
    public async Task Reads_HiddenParameterInDeployment_ShownMaskedInEveryCommandAndFormat()
    {
        await using var stack = new DeploymentStack(Template);

        var created = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath,
            "--parameter", $"password={Secret}", "--parameter", $"pin={ShortSecret}");

        created.ExitCode.ShouldBe(0, created.ToString());
        stack.Lines("received").ShouldBe([$"{Secret} {ShortSecret} https://u:{Secret}@host"]);
        var shown = new List<CliResult> { created };
        foreach (var format in Formats)
        {
            shown.Add(await stack.RunAsync("stack", "show", DeploymentStack.Name, "-f", format));
            shown.Add(await stack.RunAsync("stack", "resource", "show", DeploymentStack.Name, "deployment", "-f", format));
            shown.Add(await stack.RunAsync("stack", "resource", "list", DeploymentStack.Name, "-f", format));
            shown.Add(await stack.RunAsync("stack", "event", "list", DeploymentStack.Name, "-f", format));
            shown.Add(await stack.RunAsync("stack", "output", "show", DeploymentStack.Name, "--all", "-f", format));
            shown.Add(await stack.RunAsync("stack", "output", "show", DeploymentStack.Name, "derived", "-f", format));
        }

        foreach (var result in shown)
        {
            result.ExitCode.ShouldBe(0, result.ToString());
            result.Out.ShouldNotContain(Secret, customMessage: result.ToString());
            result.Error.ShouldNotContain(Secret, customMessage: result.ToString());
        }

        var deployment = await stack.ResourceAsync("deployment");
        var inputs = deployment.GetProperty("properties").GetProperty("input_values");
        inputs.GetProperty("password").GetString().ShouldBe("******");
        inputs.GetProperty("pin").GetString().ShouldBe("******", "a short hidden value is masked where it is used directly");
        inputs.GetProperty("url").GetString().ShouldBe("******", "a value computed from a hidden one is masked whole");
        inputs.GetProperty("round").GetInt64().ShouldBe(1);
        deployment.GetProperty("attributes").GetProperty("deploy_stdout").GetString().ShouldBe("password is ******\n");
        deployment.GetProperty("attributes").GetProperty("deploy_stderr").GetString().ShouldBe("to stderr: ******\n");
        var outputs = await stack.OutputsAsync();
        outputs["echo"].ShouldBe("got ******");
        outputs["derived"].ShouldBe("******", "an output computed from a hidden value is masked whole");
    }

    [Fact]
    public async Task Update_AfterMaskedReads_ScriptsStillGetTheHiddenValue()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync("--parameter", $"password={Secret}", "--parameter", $"pin={ShortSecret}");
        await stack.ResourceAsync("deployment");

        var updated = await stack.UpdateAsync("round=2");

        updated.ExitCode.ShouldBe(0, updated.ToString());
        updated.Error.ShouldNotContain(Secret);
        stack.Lines("received").ShouldBe([$"{Secret} {ShortSecret} https://u:{Secret}@host", $"{Secret} {ShortSecret} https://u:{Secret}@host"]);
    }

    [Fact]
    public async Task Create_ScriptFailsPrintingHiddenValue_MaskedInFailureEventsAndResource()
    {
        await using var stack = new DeploymentStack(Template);

        var created = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback",
            "--parameter", $"password={Secret}", "--parameter", $"pin={ShortSecret}", "--parameter", "fail=true");

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain("cannot log in with ******");
        var shown = new List<CliResult> { created };
        foreach (var format in Formats)
        {
            shown.Add(await stack.RunAsync("stack", "show", DeploymentStack.Name, "-f", format));
            shown.Add(await stack.RunAsync("stack", "resource", "show", DeploymentStack.Name, "bad_deployment", "-f", format));
            shown.Add(await stack.RunAsync("stack", "event", "list", DeploymentStack.Name, "-f", format));
        }

        foreach (var result in shown)
        {
            result.ExitCode.ShouldBe(created == result ? 1 : 0, result.ToString());
            result.Out.ShouldNotContain(Secret, customMessage: result.ToString());
            result.Error.ShouldNotContain(Secret, customMessage: result.ToString());
        }

        // The reason is a sentence; the script's stderr is the failure's tail, which the command printed (masked) above.
        (await stack.ResourceAsync("bad_deployment")).GetProperty("resource_status_reason").ToString()
            .ShouldBe("Deployment to server failed: Deployment exited with non-zero status code: 3");
    }

    [Fact]
    public async Task Create_HiddenValuePassedToNestedStack_MaskedInItsFailureEventsAndResources()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            parameters:
              password: {type: string, hidden: true}
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties: {software_config_transport: LOCAL}
              child:
                type: child.yaml
                properties:
                  server: {get_resource: server}
                  password: {get_param: password}
            """);
        stack.File("child.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              server: {type: string}
              password: {type: string}
            resources:
              config:
                type: OS::Heat::SoftwareConfig
                properties:
                  group: script
                  inputs: [{name: password}]
                  config: |
                    #!/bin/sh
                    echo "rejected $password" >&2
                    exit 1
              deploy:
                type: OS::Heat::SoftwareDeployment
                properties:
                  config: {get_resource: config}
                  server: {get_param: server}
                  input_values: {password: {get_param: password}}
            """);

        var created = await stack.RunAsync("stack", "create", DeploymentStack.Name, "-t", stack.TemplatePath, "--disable-rollback", "--parameter", $"password={Secret}");
        var shown = new List<CliResult> { created };
        foreach (var format in Formats)
        {
            shown.Add(await stack.RunAsync("stack", "event", "list", DeploymentStack.Name, "-f", format));
            shown.Add(await stack.RunAsync("stack", "resource", "list", DeploymentStack.Name, "--nested-depth", "1", "-f", format));
            shown.Add(await stack.RunAsync("stack", "show", DeploymentStack.Name, "-f", format));
        }

        created.ExitCode.ShouldBe(1, created.ToString());
        created.Error.ShouldContain("rejected ******");
        foreach (var result in shown)
        {
            result.ExitCode.ShouldBe(created == result ? 1 : 0, result.ToString());
            result.Out.ShouldNotContain(Secret, customMessage: result.ToString());
            result.Error.ShouldNotContain(Secret, customMessage: result.ToString());
        }
    }

    [Fact]
    public async Task OutputShow_HiddenBooleanAndNumber_OnlyTheNumberIsMaskedInOtherText()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            parameters:
              flag: {type: boolean, hidden: true, default: true}
              code: {type: number, hidden: true, default: 73519}
            resources:
              r:
                type: OS::Heat::TestResource
                properties: {value: "True story, code 73519"}
            outputs:
              text: {value: {get_attr: [r, output]}}
            """);
        await stack.CreateAsync();

        var text = (await stack.OutputsAsync())["text"];

        text.ShouldBe("True story, code ******", "masking every True or None would hide nothing");
    }

    /// <summary>
    /// A script prints more than is kept, and the cut falls inside a hidden value: what the cut left of it (its last
    /// five characters, at the start of the kept tail) is masked too.
    /// </summary>
    [Fact]
    public async Task OutputShow_OutputCutInsideAHiddenValue_MasksWhatTheCutLeftOfIt()
    {
        await using var stack = new DeploymentStack("""
            heat_template_version: 2021-04-16
            parameters:
              password: {type: string, hidden: true}
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties: {software_config_transport: LOCAL}
              config:
                type: OS::Heat::SoftwareConfig
                properties:
                  group: script
                  inputs: [{name: password}]
                  config: |
                    #!/bin/sh
                    printf 'start %s' "$password"
                    head -c 1048571 /dev/zero | tr '\0' a
              talk:
                type: OS::Heat::SoftwareDeployment
                properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {password: {get_param: password}}}
            outputs:
              stdout: {value: {get_attr: [talk, deploy_stdout]}}
            """);
        await stack.CreateAsync("--parameter", $"password={Secret}");

        var stdout = (await stack.OutputsAsync())["stdout"] ?? "";

        stdout.ShouldStartWith("[hearth: output truncated, the first 15 bytes were dropped]\n******aaaa");
        stdout.ShouldNotContain(Secret[^5..]);
    }

    /// <summary>With <c>fail=true</c>, a deployment whose CREATE and DELETE print the password to stderr and fail.</summary>
    private const string FailingOnNewPassword = """
        heat_template_version: 2021-04-16
        parameters:
          password: {type: string, hidden: true}
          fail: {type: boolean, default: false}
        conditions:
          failing: {get_param: fail}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            condition: failing
            properties:
              group: script
              inputs: [{name: password}]
              config: |
                #!/bin/sh
                echo "$deploy_action refused $password" >&2
                exit 1
          bad:
            type: OS::Heat::SoftwareDeployment
            condition: failing
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              actions: [CREATE, DELETE]
              input_values: {password: {get_param: password}}
        """;

    [Fact]
    public async Task Update_RollbackRunsAScriptThatPrintsTheNewHiddenValue_MaskedInItsEvents()
    {
        await using var stack = new DeploymentStack(FailingOnNewPassword);
        await stack.CreateAsync("--parameter", "password=old-secret-1");

        var updated = await stack.RunAsync("stack", "update", DeploymentStack.Name, "--existing", "--parameter", $"password={Secret}", "--parameter", "fail=true");
        var events = await stack.RunAsync("stack", "event", "list", DeploymentStack.Name);

        updated.ExitCode.ShouldBe(1, updated.ToString());
        events.Out.ShouldContain("DELETE refused ******", customMessage: events.Out);
        foreach (var text in new[] { updated.Out, updated.Error, events.Out, events.Error })
        {
            text.ShouldNotContain(Secret);
        }
    }

    [Theory]
    [InlineData("resume")]
    [InlineData("cancel")]
    public async Task InterruptedRollback_FinishedByResumeOrCancel_MasksTheFailedDefinitionsHiddenValue(string command)
    {
        await using var stack = new DeploymentStack(FailingOnNewPassword);
        await stack.CreateAsync("--parameter", "password=old-secret-1");
        var failed = await stack.RunAsync("stack", "update", DeploymentStack.Name, "--existing", "--disable-rollback",
            "--parameter", $"password={Secret}", "--parameter", "fail=true");
        failed.ExitCode.ShouldBe(1, failed.ToString());
        // What a process that died while rolling the update back leaves: the rollback in progress, going back to the
        // old definition (current) from the failed one (previous), and no live holder of the lock.
        await using (var store = await SqliteStateStore.OpenAsync(stack.State, TimeProvider.System, CancellationToken.None).Within())
        {
            var record = await store.GetStackByNameAsync(DeploymentStack.Name, CancellationToken.None).Within();
            record.ShouldNotBeNull();
            await store.UpdateStackAsync(record with
            {
                Action = ResourceAction.Rollback,
                Status = OperationStatus.InProgress,
                Current = record.Previous,
                Previous = record.Current,
            }, CancellationToken.None).Within();
        }

        var finished = await stack.RunAsync("stack", command, DeploymentStack.Name);
        var events = await stack.RunAsync("stack", "event", "list", DeploymentStack.Name);

        // The deployment's DELETE prints the password and fails, so the rollback it finishes fails too.
        finished.ExitCode.ShouldBe(1, finished.ToString());
        finished.Error.ShouldContain("ROLLBACK_FAILED", customMessage: finished.ToString());
        events.Out.ShouldContain("DELETE refused ******", customMessage: events.Out);
        foreach (var text in new[] { finished.Out, finished.Error, events.Out, events.Error })
        {
            text.ShouldNotContain(Secret);
        }
    }
}
