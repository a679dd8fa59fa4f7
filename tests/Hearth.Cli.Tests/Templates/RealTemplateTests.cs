using System.Text.Json;

namespace Hearth.Cli.Tests.Templates;

/// <summary>
/// The public Heat and TripleO templates of tests/data/templates through <c>hearth template validate</c>: those that
/// use only types Hearth implements are valid; the others fail exactly where Heat (or a missing cloud) would.
/// </summary>
public sealed class RealTemplateTests
{
    private const string CephBase = "openstack__tripleo-heat-templates__deployment__cephadm__ceph-base.yaml";
    private const string Ansible = "openstack__heat-templates__hot__software-config__example-templates__example-ansible-template.yaml";
    private const string DeploySequence = "openstack__heat-templates__hot__software-config__example-templates__example-deploy-sequence.yaml";
    private const string Structured = "openstack__heat-templates__hot__software-config__example-templates__example-structured-template.yaml";

    private static readonly string[] _rejected = [CephBase, Ansible, DeploySequence, Structured];

    private static string Folder => Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "templates");

    public static TheoryData<string> ValidTemplates()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Folder, file).Replace('\\', '/');
            if (!_rejected.Contains(relative))
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Fact]
    public void RealTemplates_Folder_HoldsTheExpectedSet()
    {
        ValidTemplates().Count.ShouldBeGreaterThanOrEqualTo(13);
        foreach (var file in _rejected)
        {
            File.Exists(Path.Combine(Folder, file)).ShouldBeTrue(file);
        }
    }

    [Theory]
    [MemberData(nameof(ValidTemplates))]
    public async Task Validate_TemplateWithOnlyImplementedTypes_IsValidWithoutDiagnostics(string file)
    {
        var (result, diagnostics) = await ValidateAsync(file);

        result.ExitCode.ShouldBe(0, result.ToString());
        diagnostics.ShouldBeEmpty(result.ToString());
    }

    [Fact]
    public async Task Validate_CephBase_ReportsTheBadDefaultAndTheConditionsThatNeedAParameter()
    {
        var (result, diagnostics) = await ValidateAsync(CephBase);

        result.ExitCode.ShouldBe(2, result.ToString());
        diagnostics.ShouldAllBe(d => d.Severity == "error");
        var badDefault = diagnostics.Where(d => d.Code == "HT306").ShouldHaveSingleItem();
        (badDefault.Line, badDefault.Column).ShouldBe((163, 14));
        badDefault.Message.ShouldStartWith("Parameter 'CephManilaClientKey' is invalid: Invalid default ******");
        badDefault.Message.ShouldContain("allowed_pattern");

        // Its yaql is valid; two conditions compute with yaql from a parameter that has no default and no value here.
        var missing = diagnostics.Where(d => d.Code == "HT301").ToList();
        missing.Select(d => d.Line).ShouldBe([348, 366]);
        missing.ShouldAllBe(d => d.Message.StartsWith("The Parameter (ContainerCephDaemonImage) was not provided", StringComparison.Ordinal));
        diagnostics.Count.ShouldBe(3, result.ToString());
    }

    [Theory]
    [InlineData(DeploySequence, "server_a:OS::Nova::Server:76", "server_b:OS::Nova::Server:86")]
    [InlineData(Structured, "the_sg:OS::Neutron::SecurityGroup:20", "server:OS::Nova::Server:62")]
    [InlineData(Ansible, "the_sg:OS::Neutron::SecurityGroup:15", "server:OS::Nova::Server:65")]
    public async Task Validate_TemplateWithCloudTypes_ReportsOneUnknownTypePerCloudResource(string file, params string[] resources)
    {
        var (result, diagnostics) = await ValidateAsync(file);

        result.ExitCode.ShouldBe(2, result.ToString());
        var unknownTypes = diagnostics.Where(d => d.Code == "HT500").ToList();
        unknownTypes.Count.ShouldBe(resources.Length, result.ToString());
        foreach (var (diagnostic, expected) in unknownTypes.Zip(resources))
        {
            var parts = expected.Split(':', 2);
            var type = parts[1][..parts[1].LastIndexOf(':')];
            var line = int.Parse(parts[1][(parts[1].LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            diagnostic.Message.ShouldStartWith($"unknown resource type '{type}' (resource '{parts[0]}')");
            diagnostic.Message.ShouldContain("OS::Heat::DeployedServer");
            (diagnostic.Line, diagnostic.Column).ShouldBe((line, 11));
        }

        // The ansible example reads its playbook with get_file, and the copy does not carry the script.
        var others = diagnostics.Where(d => d.Code != "HT500").ToList();
        if (file == Ansible)
        {
            var missing = others.ShouldHaveSingleItem();
            missing.Code.ShouldBe("HT003");
            (missing.Line, missing.Column).ShouldBe((35, 9));
            missing.Message.ShouldStartWith("cannot read 'config-scripts/example-ansible-template.ansible'");
        }
        else
        {
            others.ShouldBeEmpty(result.ToString());
        }
    }

    private sealed record Reported(string Code, string Severity, int Line, int Column, string Message);

    private static async Task<(CliResult Result, List<Reported> Diagnostics)> ValidateAsync(string file)
    {
        var result = await CliRunner.RunAsync("template", "validate", "-t", Path.Combine(Folder, file), "-f", "json");
        using var json = JsonDocument.Parse(result.Out);
        var diagnostics = json.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Select(d => new Reported(
                d.GetProperty("code").GetString()!,
                d.GetProperty("severity").GetString()!,
                d.GetProperty("line").GetInt32(),
                d.GetProperty("column").GetInt32(),
                d.GetProperty("message").GetString()!))
            .ToList();
        return (result, diagnostics);
    }
}
