using System.Text.Json;
using YamlDotNet.Serialization;

namespace Hearth.Cli.Tests.Examples;

/// <summary>
/// Every environment file of an example (examples/NAME/env/*.yaml) goes with its template (examples/NAME/NAME.yaml): it
/// validates, and each value it sets reaches a parameter the template declares (Heat ignores a misspelt
/// parameter_defaults key, so a typo there would silently keep the template's default). Deployments with them run in
/// WebappExampleTests, ContainersExampleTests and the SSH tests, which fill env/ssh.yaml in with their hosts.
/// </summary>
public sealed class ExampleEnvironmentTests
{
    public static TheoryData<string, string> Environments()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in Directory.GetDirectories(Path.Combine(CliRunner.RepositoryRoot, "examples")).Order(StringComparer.Ordinal))
        {
            var environments = Path.Combine(example, "env");
            if (Directory.Exists(environments))
            {
                foreach (var environment in Directory.GetFiles(environments, "*.yaml").Order(StringComparer.Ordinal))
                {
                    data.Add(Path.GetFileName(example), Path.GetFileName(environment));
                }
            }
        }

        return data;
    }

    [Fact]
    public void Environments_EveryExampleWithServers_HasALocalAndAnSshEnvironment() =>
        Environments().Select(row => $"{row[0]}/{row[1]}").ShouldBe(
            ["containers/local.yaml", "containers/ssh.yaml", "webapp/local.yaml", "webapp/ssh.yaml"], ignoreOrder: true);

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Validate_ExampleWithItsEnvironment_ValidAndEveryValueReachesADeclaredParameter(string example, string environment)
    {
        var folder = Path.Combine(CliRunner.RepositoryRoot, "examples", example);
        var environmentFile = Path.Combine(folder, "env", environment);
        var set = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, Dictionary<string, object>>>(File.ReadAllText(environmentFile))["parameter_defaults"].Keys;

        using var state = new TempDirectory();
        var result = await CliRunner.RunAsync("--state", state.Combine("state"), "template", "validate", "-t", Path.Combine(folder, $"{example}.yaml"), "-e", environmentFile, "-f", "json");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Error.ShouldBeEmpty();
        using var report = JsonDocument.Parse(result.Out);

        // env/ssh.yaml holds placeholders for the hosts' keys, to be replaced: validate warns of each, and of nothing else.
        var diagnostics = report.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Select(d => $"{d.GetProperty("severity").GetString()} {d.GetProperty("code").GetString()}: {d.GetProperty("message").GetString()}").ToList();
        if (environment == "ssh.yaml")
        {
            diagnostics.ShouldNotBeEmpty();
            diagnostics.ShouldAllBe(d => d.StartsWith("warning HT504: property 'ssh.known_host_key' of resource '")
                && d.EndsWith("': the value is not a host key: its second word is not base64 (a placeholder, or a key cut short?)"));
        }
        else
        {
            diagnostics.ShouldBeEmpty();
        }

        var fromEnvironment = report.RootElement.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("source").GetString() == "parameter_defaults")
            .Select(p => p.GetProperty("name").GetString());
        fromEnvironment.ShouldBe(set, ignoreOrder: true);
    }
}
