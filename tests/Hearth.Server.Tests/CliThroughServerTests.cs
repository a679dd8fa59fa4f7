using System.Text.RegularExpressions;

namespace Hearth.Server.Tests;

/// <summary>
/// <c>hearth stack …</c> with <c>--server</c>/<c>--token</c>: the same scenario run on a local state and through a real
/// <c>hearth server</c> prints the same stdout and ends with the same exit codes (times and ids, which differ between
/// any two runs, are masked).
/// </summary>
public sealed partial class CliThroughServerTests
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
    public async Task StackCommands_LocalAndThroughServer_PrintTheSameAndExitTheSame()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "cli");
        using var server = await ServerProcess.StartAsync(serverState);
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
            ["stack", "create", "demo", "-t", template, "--parameter", "name=you"],
            ["stack", "list"],
            ["stack", "list", "-f", "json"],
            ["stack", "show", "demo"],
            ["stack", "output", "show", "demo", "greeting"],
            ["stack", "output", "show", "demo", "script"],
            ["stack", "output", "show", "demo", "--all", "-f", "json"],
            ["stack", "output", "list", "demo"],
            ["stack", "resource", "list", "demo"],
            ["stack", "event", "list", "demo"],
            ["stack", "update", "demo", "-t", updated, "--parameter", "name=them"],
            ["stack", "update", "demo", "--existing", "--parameter", "name=everyone"],
            ["stack", "output", "show", "demo", "greeting"],
            ["stack", "create", "demo", "-t", template],
            ["stack", "show", "missing"],
            ["stack", "output", "show", "missing", "greeting"],
            ["stack", "create", "broken", "-t", bad],
            ["stack", "delete", "demo", "--yes"],
            ["stack", "show", "demo"],
            ["stack", "list"],
        ];

        foreach (var args in scenario)
        {
            var local = await ServerProcess.HearthAsync(folder.Combine("local-state"), args);
            var remote = await ServerProcess.HearthAsync(folder.Combine("client-state"), ["--server", server.Url, "--token", token, .. args]);

            var what = $"hearth {string.Join(' ', args)}\n--- local\n{local}\n--- server\n{remote}";
            remote.ExitCode.ShouldBe(local.ExitCode, what);
            Masked(remote.Out).ShouldBe(Masked(local.Out), what);
        }

        Directory.Exists(folder.Combine("client-state")).ShouldBeFalse("a command sent to a server must not make a local state");
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
        error.ShouldBe(local.Error);
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

    [Fact]
    public async Task StackGraph_ThroughServer_SaysItIsNotThereYet()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "cli");
        using var server = await ServerProcess.StartAsync(serverState);

        var (exit, _, error) = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", token, "stack", "graph", "demo");

        exit.ShouldBe(2, error);
        error.ShouldBe($"hearth: 'hearth stack graph' does not go to a server yet ({server.Url}/v1/hearth); run it where the server's state is, without --server / HEARTH_SERVER\n");
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
    public async Task StackCreate_ReadOnlyToken_ExitsAccessDenied()
    {
        using var folder = new TempDirectory();
        var serverState = folder.Combine("server-state");
        var token = await ServerProcess.CreateTokenAsync(serverState, "reader", readOnly: true);
        using var server = await ServerProcess.StartAsync(serverState);
        var template = folder.File("demo.yaml", Templates.Greeting);

        var (listExit, _, listError) = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", token, "stack", "list");
        var (exit, _, error) = await ServerProcess.HearthAsync(folder.Combine("client"), "--server", server.Url, "--token", token, "stack", "create", "demo", "-t", template);

        listExit.ShouldBe(0, listError);
        exit.ShouldBe(6, error);
        error.ShouldStartWith($"hearth: the server {server.Url}/v1/hearth refused the request: ");
    }

    private static string Masked(string text) => PhysicalId().Replace(Uuid().Replace(Timestamp().Replace(text, "TIME"), "ID"), "-PHYSICAL");

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")]
    private static partial Regex Timestamp();

    /// <summary>A physical id's random tail (<c>demo-greeting-z6oyf6234kmi</c>).</summary>
    [GeneratedRegex(@"-[a-z0-9]{12}\b")]
    private static partial Regex PhysicalId();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
