using System.Text.Json;

namespace Hearth.Cli.Tests.Commands;

/// <summary>A state folder and a template for in-process runs of <c>hearth stack …</c>.</summary>
internal sealed class CliStack : IDisposable
{
    /// <summary>Two TestResources, a hidden parameter no resource uses, and outputs with and without descriptions.</summary>
    public const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          greeting: {type: string, default: hello}
          fail: {type: boolean, default: false}
          secret:
            type: string
            hidden: true
            default: TOPSECRET-7f3a9
        resources:
          first:
            type: OS::Heat::TestResource
            properties: {value: {get_param: greeting}}
          second:
            type: OS::Heat::TestResource
            properties:
              value: {list_join: ['', [{get_attr: [first, output]}, '!']]}
              fail: {get_param: fail}
        outputs:
          first_value:
            description: What first holds.
            value: {get_attr: [first, output]}
          second_value:
            value: {get_attr: [second, output]}
        """;

    public const string Secret = "TOPSECRET-7f3a9";

    private readonly TempDirectory _folder = new();

    public CliStack(string template = Template)
    {
        TemplatePath = _folder.File("stack.yaml", template);
        State = Path.Combine(_folder.Path, "state");
    }

    public string TemplatePath { get; }

    public string State { get; }

    public string File(string name, string content) => _folder.File(name, content);

    /// <summary>Runs <c>hearth --state STATE args…</c> in-process.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(["--state", State, .. args]);

    public async Task<CliResult> CreateAsync(string name = "demo", params string[] extra)
    {
        var result = await RunAsync(["stack", "create", name, "-t", TemplatePath, .. extra]);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    public static JsonElement Json(CliResult result)
    {
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.Clone();
    }

    public void Dispose() => _folder.Dispose();
}
