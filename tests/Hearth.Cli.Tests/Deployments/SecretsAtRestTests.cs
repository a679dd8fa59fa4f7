using System.Security.Cryptography;

namespace Hearth.Cli.Tests.Deployments;

/// <summary>
/// Hidden values are sealed at rest: the database file (with its -wal and -shm) never holds one in clear, whatever
/// carries it (parameters, an environment file, a deployment's inputs, what its script prints, its outputs, a failure
/// reason); the key is <c>hearth.key</c> beside it, 0600, and without the right key the state is refused (exit 5).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsAtRestTests
{
    private const string Created = "CrEaTeD-9d1f0a7e";
    private const string FromEnvironment = "EnViRoN-4b2c8e61";
    private const string Updated = "UpDaTeD-57ac3e02";
    private const string RolledBack = "RoLlBaCk-e80f19d4";

    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          password: {type: string, hidden: true}
          token: {type: string, hidden: true}
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
              inputs: [{name: password}, {name: token}]
              outputs: [{name: echoed}]
              config: |
                #!/bin/sh
                echo "password is $password, token $token"
                echo "to stderr: $password" >&2
                printf '%s' "$password" > "${heat_outputs_path}.echoed"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {password: {get_param: password}, token: {get_param: token}}
        """ + SecretStacks.FailingDeployment + """
        outputs:
          echoed: {value: {get_attr: [deployment, echoed]}}
          derived: {value: {str_replace: {template: "pw=PW", params: {PW: {get_param: password}}}}}
        """;

    [Fact]
    public async Task Database_AfterCreateUpdateAndRollback_HoldsNoHiddenValueInClear()
    {
        await using var stack = new DeploymentStack(Template);
        var environment = stack.File("secrets.yaml", $"parameters: {{token: {FromEnvironment}}}");

        await stack.CreateAsync("-e", environment, "--parameter", $"password={Created}");
        ClearSecretsIn(stack.State).ShouldBeEmpty();
        var key = Path.Combine(stack.State, "hearth.key");
        File.GetUnixFileMode(key).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        new FileInfo(key).Length.ShouldBe(32);

        var update = await stack.UpdateAsync($"password={Updated}");
        update.ExitCode.ShouldBe(0, update.ToString());
        ClearSecretsIn(stack.State).ShouldBeEmpty();

        var failed = await stack.UpdateAsync($"password={RolledBack}", "fail=true");
        failed.ExitCode.ShouldBe(1, failed.ToString());
        failed.Error.ShouldContain("cannot log in with ******");
        ClearSecretsIn(stack.State).ShouldBeEmpty();

        // Sealed, not lost: the rolled-back stack is as it was, and its scripts still get the values.
        (await stack.OutputAsync("echoed")).ShouldBe("******");
        var rerun = await stack.UpdateAsync("fail=false");
        rerun.ExitCode.ShouldBe(0, rerun.ToString());
        (await stack.ResourceAsync("deployment")).GetProperty("attributes").GetProperty("deploy_stdout").GetString()
            .ShouldBe("password is ******, token ******\n");
        ClearSecretsIn(stack.State).ShouldBeEmpty();
    }

    [Fact]
    public async Task Commands_KeyFileMissing_RefusedWithExit5NamingTheKey()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync("-e", stack.File("secrets.yaml", $"parameters: {{token: {FromEnvironment}}}"), "--parameter", $"password={Created}");
        File.Delete(Path.Combine(stack.State, "hearth.key"));

        var list = await stack.RunAsync("stack", "list");
        var update = await stack.UpdateAsync($"password={Updated}");

        foreach (var result in new[] { list, update })
        {
            result.ExitCode.ShouldBe(5, result.ToString());
            result.Error.ShouldContain("hearth.key' is missing");
            result.Error.ShouldContain("restore the key file backed up with this database");
            result.Error.ShouldNotContain("   at ");
        }

        File.Exists(Path.Combine(stack.State, "hearth.key")).ShouldBeFalse("no new key is made for sealed values");
    }

    [Fact]
    public async Task Commands_WrongKey_RefusedWithExit5()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync("-e", stack.File("secrets.yaml", $"parameters: {{token: {FromEnvironment}}}"), "--parameter", $"password={Created}");
        await File.WriteAllBytesAsync(Path.Combine(stack.State, "hearth.key"), RandomNumberGenerator.GetBytes(32));

        var show = await stack.RunAsync("stack", "show", DeploymentStack.Name);

        show.ExitCode.ShouldBe(5, show.ToString());
        show.Error.ShouldContain("is not the key the database's values were sealed with");
        show.Error.ShouldNotContain("   at ");
    }

    /// <summary>The secrets found in clear in <c>hearth.db</c>, <c>hearth.db-wal</c> or <c>hearth.db-shm</c>.</summary>
    internal static List<string> ClearSecretsIn(string state, params string[] secrets)
    {
        secrets = secrets.Length > 0 ? secrets : [Created, FromEnvironment, Updated, RolledBack];
        return [.. from file in SecretStacks.DatabaseFiles(state)
            from secret in secrets
            where SecretStacks.HoldsInClear(file, secret)
            select $"{secret} in {Path.GetFileName(file)}"];
    }
}
