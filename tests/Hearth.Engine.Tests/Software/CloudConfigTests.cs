using Hearth.Engine.Tests.Operations;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Engine.Tests.Software;

public sealed class CloudConfigTests
{
    [Fact]
    public async Task Create_CloudConfig_IsItsMapAsCloudConfigYaml()
    {
        const string Template = """
            heat_template_version: 2021-04-16
            resources:
              boot:
                type: OS::Heat::CloudConfig
                properties:
                  cloud_config:
                    package_upgrade: true
                    timezone: "UTC"
                    hostname: "yes"
                    swap_mb: 512
                    ratio: 1.0
                    missing: null
                    runcmd: ["echo one", "- dash"]
                    write_files:
                      - path: /etc/motd
                        content: "line one\nline two\n"
            outputs:
              config: {value: {get_attr: [boot, config]}}
            """;
        await using var harness = await EngineHarness.CreateAsync();

        (await harness.CreateAsync("s", Template)).Succeeded.ShouldBeTrue();

        var config = (await harness.OutputsAsync("s"))["config"].ShouldBeOfType<string>();
        config.ShouldStartWith("#cloud-config\n");
        config.ShouldContain("content: |\n    line one\n    line two\n");
        // Read back, it is the same map: "yes" stays a string, 1.0 a float, null a null.
        var (root, diagnostics) = YamlLoader.Load("cloud-config.yaml", config);
        diagnostics.ShouldBeEmpty();
        ValueJson.Serialize(root.ShouldNotBeNull().ToValue()).ShouldBe(
            """{"package_upgrade":true,"timezone":"UTC","hostname":"yes","swap_mb":512,"ratio":1.0,"missing":null,"runcmd":["echo one","- dash"],"write_files":[{"path":"/etc/motd","content":"line one\nline two\n"}]}""");
    }
}
