using System.Text;

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
        ContainsSecret(deployments).ShouldBeTrue("the running deployment keeps its inputs and outputs");
        var database = Directory.EnumerateFiles(stack.State, "hearth.db*").ToList();
        database.ShouldNotBeEmpty();
        database.Any(ContainsSecret).ShouldBeFalse("the stack's rows hold the secret sealed (SecretsAtRestTests)");

        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        Directory.EnumerateFileSystemEntries(deployments).ShouldBeEmpty();
        foreach (var file in Directory.EnumerateFiles(stack.State, "hearth.db*"))
        {
            ContainsSecret(file).ShouldBeFalse($"{file} still holds the deleted stack's secret");
        }
    }

    private static bool ContainsSecret(string path)
    {
        var files = File.Exists(path) ? [path] : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories);
        var needle = Encoding.UTF8.GetBytes(Secret);
        return files.Any(file => File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0);
    }
}
