using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hearth.Cli.Tests.Examples;

/// <summary>
/// README's quick start on examples/hello.yaml, command by command, as a new user runs it: create, show, update with
/// --dry-run and without, event list, graph, template validate, delete; each with what the README says it shows.
/// </summary>
public sealed partial class QuickStartTests
{
    [Fact]
    public async Task HelloExample_EveryQuickStartCommand_ShowsWhatTheReadmeSays()
    {
        using var folder = new TempDirectory();
        var template = Path.Combine(CliRunner.RepositoryRoot, "examples", "hello.yaml");
        Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(["--state", folder.Combine("state"), .. args]);

        var created = await Run("stack", "create", "hello", "-t", template);
        created.ExitCode.ShouldBe(0, created.ToString());
        created.Error.ShouldContain("Stack hello CREATE_COMPLETE: Stack CREATE completed successfully");
        var greeting = Greeting().Match(created.Out);
        greeting.Success.ShouldBeTrue(created.ToString());
        var suffix = greeting.Groups["suffix"].Value;
        created.Out.ShouldContain($"words     Hello, | world! | (run | {suffix})");

        // show: status, parameters (hidden ones masked), outputs.
        var shown = await Run("stack", "show", "hello", "-f", "json");
        shown.ExitCode.ShouldBe(0, shown.ToString());
        shown.Out.ShouldNotContain("s3cret");
        using (var stack = JsonDocument.Parse(shown.Out))
        {
            stack.RootElement.GetProperty("stack_status").GetString().ShouldBe("CREATE_COMPLETE");
            stack.RootElement.GetProperty("parameters").GetProperty("name").GetString().ShouldBe("world");
            stack.RootElement.GetProperty("parameters").GetProperty("token").GetString().ShouldBe("******");
            stack.RootElement.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("output_key").GetString()).ShouldBe(["greeting", "words"]);
        }

        // update --dry-run: what would change, and why; nothing changes.
        var events = (await Run("stack", "event", "list", "hello")).Out;
        var plan = await Run("stack", "update", "hello", "--existing", "--parameter", "name=Hearth", "--dry-run");
        plan.ExitCode.ShouldBe(0, plan.ToString());
        plan.Out.ShouldMatch(@"suffix\s+OS::Heat::RandomString\s+unchanged");
        plan.Out.ShouldMatch(@"greeting\s+OS::Heat::Value\s+update\s+property value changed");
        plan.Out.ShouldMatch(@"words\s+OS::Heat::Value\s+update\s+property value may change \(known after apply\)");
        (await Run("stack", "event", "list", "hello")).Out.ShouldBe(events);

        var updated = await Run("stack", "update", "hello", "--existing", "--parameter", "name=Hearth");
        updated.ExitCode.ShouldBe(0, updated.ToString());
        updated.Out.ShouldContain($"greeting  Hello, Hearth! (run {suffix})");

        // event list: every step, in order.
        var listed = (await Run("stack", "event", "list", "hello")).Out.TrimEnd('\n').Split('\n');
        listed[0].ShouldEndWith("[hello]: CREATE_IN_PROGRESS  Stack CREATE started");
        listed[^1].ShouldEndWith("[hello]: UPDATE_COMPLETE  Stack UPDATE completed successfully");
        listed.Length.ShouldBe(14, string.Join('\n', listed));

        // graph: the dependencies, words on greeting on suffix.
        var graph = await Run("stack", "graph", "hello", "--format", "mermaid");
        graph.ExitCode.ShouldBe(0, graph.ToString());
        graph.Out.Split('\n')[0].ShouldBe("graph LR");
        graph.Out.ShouldContain("""r1["greeting<br/>OS::Heat::Value<br/>UPDATE_COMPLETE"]""");
        graph.Out.ShouldContain("r1 --> r0");
        graph.Out.ShouldContain("r2 --> r1");

        var validated = await Run("template", "validate", "-t", template);
        validated.ExitCode.ShouldBe(0, validated.ToString());
        validated.Out.ShouldStartWith($"{template} is a valid HOT 2021-04-16 template.");
        validated.Out.ShouldMatch(@"token\s+string\s+\*{6}\s+default");

        var deleted = await Run("stack", "delete", "hello", "--yes");
        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        deleted.Error.ShouldEndWith("Stack hello deleted.\n");
        (await Run("stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [GeneratedRegex(@"^greeting  Hello, world! \(run (?<suffix>[a-z]{6})\)$", RegexOptions.Multiline)]
    private static partial Regex Greeting();
}
