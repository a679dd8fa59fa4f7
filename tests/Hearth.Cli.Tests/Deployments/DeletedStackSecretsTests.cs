namespace Hearth.Cli.Tests.Deployments;

/// <summary>A deleted stack leaves no secret behind: not in its deployments' working folders, not in the database file.</summary>
public sealed class DeletedStackSecretsTests
{
    private const string Secret = "S3CRET-c41e9b0d";

    private const string Template = """
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
              outputs: [{name: echoed}]
              config: |
                #!/bin/sh
                echo "password is $password"
                printf '%s' "$password" > "${heat_outputs_path}.echoed"
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {password: {get_param: password}}
        outputs:
          echoed: {value: {get_attr: [deployment, echoed]}}
        """;

    [Fact]
    public async Task StackDelete_DeploymentWithSecret_LeavesNoWorkingFolderAndNoSecretInTheDatabase()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync("--parameter", $"password={Secret}");
        var deployments = Path.Combine(stack.State, "deployments");
        SecretStacks.HoldsInClear(deployments, Secret).ShouldBeTrue("the running deployment keeps its inputs and outputs");
        SecretStacks.DatabaseFiles(stack.State).Any(file => SecretStacks.HoldsInClear(file, Secret))
            .ShouldBeFalse("the stack's rows hold the secret sealed (SecretsAtRestTests)");

        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        Directory.EnumerateFileSystemEntries(deployments).ShouldBeEmpty();
        foreach (var file in SecretStacks.DatabaseFiles(stack.State))
        {
            SecretStacks.HoldsInClear(file, Secret).ShouldBeFalse($"{file} still holds the deleted stack's secret");
        }
    }
}
