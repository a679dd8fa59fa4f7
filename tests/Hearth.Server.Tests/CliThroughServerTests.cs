using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>
/// <c>hearth stack …</c> with <c>--server</c>/<c>--token</c>: the same scenario run on a local state and through a real
/// <c>hearth server</c> prints the same stdout and ends with the same exit codes (times and ids, which differ between
/// any two runs, are masked).
/// </summary>
public sealed class CliThroughServerTests
{
    private const string Script = "#!/bin/sh\necho from a file\n";

    private const string TemplateUsingFile = """
        heat_template_version: 2018-08-31
        parameters:
          name: {type: string, default: world}
        resources:
          greeting:
            type: OS::Heat::Value
            properties:
              value: {str_replace: {template: Hello NAME, params: {NAME: {get_param: name}}}}
          script:
            type: OS::Heat::Value
            depends_on: greeting
            properties:
              value: {get_file: scripts/hello.sh}
        outputs:
          greeting:
            description: who is greeted
            value: {get_attr: [greeting, value]}
          script:
            value: {get_attr: [script, value]}
        """;

    [Fact]
    public async Task StackList_Descriptions_TheTemplatesInTheApiLocallyAndThroughServer()
    {
        // The API's list gave every stack "description": "", and the CLI's -f json none.
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var described = folder.File("described.yaml", Templates.Greeting);
        var plain = folder.File("plain.yaml", "heat_template_version: 2021-04-16\nresources:\n  n: {type: OS::Heat::None}\n");
        (await both.RunAsync("stack", "create", "greeting", "-t", described)).ExitCode.ShouldBe(0);
        (await both.RunAsync("stack", "create", "plain", "-t", plain)).ExitCode.ShouldBe(0);

        var cli = await both.RunAsync("stack", "list", "-f", "json");
        using var api = new HeatApiClient(both.Url + "/v1/admin", both.Token);
        var listed = await api.GetAsync("/stacks");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        listed.Status.ShouldBe(System.Net.HttpStatusCode.OK, listed.ToString());
        (string?, string?)[] expected = [("greeting", "Says hello."), ("plain", "No description")];
        Descriptions(JsonDocument.Parse(cli.Out).RootElement).ShouldBe(expected, cli.Out);
        Descriptions(listed.Json().GetProperty("stacks")).ShouldBe(expected, listed.Body);

        static (string?, string?)[] Descriptions(JsonElement stacks) =>
            [.. stacks.EnumerateArray().Select(s => (s.GetProperty("stack_name").GetString(), s.TryGetProperty("description", out var d) ? d.GetString() : null))];
    }

    [Fact]
    public async Task StackCommands_LocalAndThroughServer_PrintTheSameAndExitTheSame()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var templates = folder.Combine("templates");
        Directory.CreateDirectory(Path.Combine(templates, "scripts"));
        File.WriteAllText(Path.Combine(templates, "scripts", "hello.sh"), Script);
        var template = Path.Combine(templates, "demo.yaml");
        File.WriteAllText(template, TemplateUsingFile);
        var updated = Path.Combine(templates, "updated.yaml");
        File.WriteAllText(updated, TemplateUsingFile.Replace("Hello NAME", "Goodbye NAME", StringComparison.Ordinal));
        var bad = Path.Combine(templates, "bad.yaml");
        File.WriteAllText(bad, "heat_template_version: 2018-08-31\nresources:\n  x:\n    type: OS::Heat::Value\n    properties:\n      value: {get_param: missing}\n");

        string[][] scenario =
        [
            ["stack", "create", "demo", "--dry-run", "-t", template, "--parameter", "name=you"],
            ["stack", "preview", "demo", "-t", template, "-f", "json"],
            ["stack", "create", "demo", "-t", template, "--parameter", "name=you"],
            ["stack", "list"],
            ["stack", "list", "-f", "json"],
            ["stack", "show", "demo"],
            ["stack", "output", "show", "demo", "greeting"],
            ["stack", "output", "show", "demo", "script"],
            ["stack", "output", "show", "demo", "--all", "-f", "json"],
            ["stack", "output", "list", "demo"],
            ["stack", "resource", "list", "demo"],
            ["stack", "resource", "show", "demo", "greeting"],
            ["stack", "resource", "show", "demo", "script", "-f", "json"],
            ["stack", "resource", "show", "demo", "nothing"],
            ["stack", "resource", "show", "missing", "greeting"],
            ["stack", "event", "list", "demo"],
            ["stack", "event", "list", "demo", "-f", "json"],
            ["stack", "event", "list", "demo", "--after", "2", "-f", "yaml"],
            ["stack", "event", "list", "missing"],
            ["stack", "graph", "demo"],
            ["stack", "graph", "demo", "--format", "mermaid"],
            ["stack", "graph", "missing"],
            ["stack", "hook", "list", "demo"],
            ["stack", "hook", "clear", "demo", "greeting"],
            ["stack", "signal", "demo", "greeting"],
            ["stack", "signal", "demo", "nothing"],
            ["stack", "resume", "demo"],
            ["stack", "cancel", "demo"],
            ["stack", "preview", "demo", "-t", updated, "--parameter", "name=them"],
            ["stack", "preview", "demo", "--existing", "--parameter", "name=them", "-f", "json"],
            ["stack", "preview", "missing", "--existing"],
            ["stack", "update", "demo", "--dry-run", "-t", updated, "--parameter", "name=them"],
            ["stack", "update", "demo", "-t", updated, "--parameter", "name=them"],
            ["stack", "update", "demo", "--existing", "--parameter", "name=everyone"],
            ["stack", "update", "demo", "--existing", "--parameter", "name=all", "-f", "json"],
            ["stack", "output", "show", "demo", "greeting"],
            ["stack", "event", "list", "demo", "--after", "9"],
            ["stack", "create", "demo", "-t", template],
            ["stack", "show", "missing"],
            ["stack", "output", "show", "missing", "greeting"],
            ["stack", "create", "broken", "-t", bad],
            ["stack", "create", "broken", "--dry-run", "-t", bad],
            ["stack", "delete", "demo", "--yes"],
            ["stack", "show", "demo"],
            ["stack", "list"],
        ];

        var results = new Dictionary<string, (int ExitCode, string Out, string Error)>();
        foreach (var args in scenario)
        {
            results.TryAdd(string.Join(' ', args), await both.RunAsync(args));
        }

        // What was compared is what the commands mean, not two refusals alike.
        results["stack create demo --dry-run -t " + template + " --parameter name=you"].Out.ShouldContain("greeting  OS::Heat::Value  create");
        results["stack resource show demo greeting"].Out.ShouldContain("properties              {\"type\": null, \"value\": \"Hello you\"}\n");
        results["stack resource show demo greeting"].Out.ShouldContain("required_by             [\"script\"]\n");
        results["stack resource show demo nothing"].ExitCode.ShouldBe(4);
        results["stack event list demo --after 2 -f yaml"].Out.ShouldStartWith("- id: ");
        results["stack event list demo --after 2 -f yaml"].Out.ShouldContain("sequence: 3\n");
        results["stack event list demo --after 2 -f yaml"].Out.ShouldNotContain("sequence: 2\n");
        results["stack graph demo"].Out.ShouldContain("\"script\" -> \"greeting\";");
        results["stack preview demo --existing --parameter name=them -f json"].Out.ShouldContain("\"changed_properties\": [\n        \"value\"");
        results["stack update demo --existing --parameter name=all -f json"].Out.ShouldContain("\"description\": \"No description\"");
        results["stack update demo --existing --parameter name=all -f json"].Out.ShouldContain("\"name\": \"all\"");
        results["stack hook clear demo greeting"].ExitCode.ShouldBe(2);
        results["stack resume demo"].ExitCode.ShouldBe(2);
        Directory.Exists(both.ClientState).ShouldBeFalse("a command sent to a server must not make a local state");
    }

    [Fact]
    public async Task StackShow_UnknownStackThroughServer_SameMessageAndExitAsLocally()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "cli");
        using var server = await ServerProcess.StartAsync(serverState);

        var local = await ServerProcess.HearthAsync(folder.Combine("local"), "stack", "show", "missing");
        var (exit, _, error) = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", token, "stack", "show", "missing");

        local.ExitCode.ShouldBe(4, local.Error);
        exit.ShouldBe(4, error);
        BothWays.Masked(error).ShouldBe(BothWays.Masked(local.Error));
        error.ShouldContain($"'hearth --server {server.Url} stack list' shows the stacks there are");
    }

    [Fact]
    public async Task StackCreate_NoWaitThroughServer_ReturnsOnceAcceptedAndTheServerFinishes()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "cli");
        using var server = await ServerProcess.StartAsync(serverState);
        var template = folder.File("demo.yaml", Templates.Greeting);
        string[] remote = ["--server", server.Url, "--token", token];

        var (exit, output, error) = await ServerProcess.HearthAsync(folder.Combine("client"), [.. remote, "stack", "create", "demo", "-t", template, "--no-wait"]);

        exit.ShouldBe(0, error);
        output.ShouldBeEmpty();
        error.ShouldMatch(@"^Stack demo: CREATE_(IN_PROGRESS|COMPLETE) on the server\.");
        await Poll.UntilAsync(
            async () => (await ServerProcess.HearthAsync(folder.Combine("client"), [.. remote, "stack", "output", "show", "demo", "greeting"])).Out == "Hello world\n",
            "the server finishes the create the client only started");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("hearth_0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task StackList_MissingOrUnknownToken_ExitsAccessDenied(string? token)
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        await ServerProcess.CreateTokenAsync(serverState, "cli");
        using var server = await ServerProcess.StartAsync(serverState);
        string[] tokenArgs = token is null ? [] : ["--token", token];

        var (exit, output, error) = await ServerProcess.HearthAsync(folder.Combine("client"), ["--server", server.Url, .. tokenArgs, "stack", "list"]);

        exit.ShouldBe(6, error);
        output.ShouldBeEmpty();
        error.ShouldStartWith($"hearth: the server {server.Url}/v1/hearth refused the token: ");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task WritingCommands_ReadOnlyToken_ExitAccessDeniedAndPreviewsAreAllowed()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var writer = await ServerProcess.CreateTokenAsync(serverState, "writer");
        var reader = await ServerProcess.CreateTokenAsync(serverState, "reader", readOnly: true);
        using var server = await ServerProcess.StartAsync(serverState);
        var template = folder.File("demo.yaml", Templates.Greeting);
        var created = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", writer, "stack", "create", "demo", "-t", template);
        created.ExitCode.ShouldBe(0, created.Error);
        string[][] writes =
        [
            ["stack", "create", "other", "-t", template],
            ["stack", "update", "demo", "--existing"],
            ["stack", "resume", "demo"],
            ["stack", "cancel", "demo"],
            ["stack", "hook", "clear", "demo", "after"],
            ["stack", "signal", "demo", "after"],
            ["stack", "delete", "demo", "--yes"],
        ];

        foreach (var args in writes)
        {
            var (exit, _, error) = await ServerProcess.HearthAsync(folder.Combine("client"), ["--server", server.Url, "--token", reader, .. args]);

            exit.ShouldBe(6, $"{string.Join(' ', args)}: {error}");
            error.ShouldBe($"hearth: the server {server.Url}/v1/hearth refused the request: the token 'reader' is read-only\n");
        }

        var preview = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", reader, "stack", "update", "demo", "--dry-run", "-t", template, "--parameter", "name=x");
        preview.ExitCode.ShouldBe(0, preview.Error);
        preview.Out.ShouldContain("greeting");
        (await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", reader, "stack", "show", "demo")).Out.ShouldContain("CREATE_COMPLETE");
    }
}
