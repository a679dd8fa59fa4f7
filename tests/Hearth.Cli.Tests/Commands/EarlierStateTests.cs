using System.Text.Json;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// A state folder written by an earlier Hearth keeps working: <c>tests/data/state-796b3ff/hearth.db</c> was written by
/// the hearth of 796b3ff (schema 2, hooks and signals only as status reasons; its README says how). Today's code
/// migrates it on open, and reads, updates and deletes its stack.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EarlierStateTests
{
    private const string HiddenDefault = "s3cr3t-value";

    [Fact]
    public async Task StateOf796b3ff_Opened_ReadsUpdatesAndDeletesItsStack()
    {
        using var stack = new CliStack();
        Directory.CreateDirectory(stack.State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var database = Path.Combine(stack.State, "hearth.db");
        File.Copy(Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "state-796b3ff", "hearth.db"), database);

        var outputs = await stack.RunAsync("stack", "output", "show", "demo", "--all", "-f", "json");
        var events = await stack.RunAsync("stack", "event", "list", "demo");
        var hooks = await stack.RunAsync("stack", "hook", "list", "demo");
        var deployment = await stack.RunAsync("stack", "resource", "show", "demo", "deploy");

        outputs.ExitCode.ShouldBe(0, outputs.ToString());
        Outputs(outputs).ShouldBe(new Dictionary<string, string?>
        {
            ["greeting"] = "Hello, world",
            ["result"] = "ran with Hello, world\n",
            ["wait_data"] = """{"1": "d1"}""",
        });
        File.GetUnixFileMode(database).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        events.Out.ShouldContain("[greeting]: CREATE_IN_PROGRESS  CREATE paused until Hook pre-create is cleared");
        events.Out.ShouldContain("""[handle]: CREATE_COMPLETE  Signal received: {"status":"SUCCESS","reason":"ok","data":"d1","id":"1"}""");
        // The hook was paused and then cleared: read back from the migrated event kinds, nothing waits at it.
        hooks.ExitCode.ShouldBe(0, hooks.ToString());
        hooks.Out.ShouldNotContain("pre-create");
        deployment.ExitCode.ShouldBe(0, deployment.ToString());
        deployment.Out.ShouldContain("\"secret\": \"******\"");
        deployment.Out.ShouldNotContain(HiddenDefault);

        var update = await stack.RunAsync("stack", "update", "demo", "--existing", "--parameter", "name=Hearth");
        var updated = await stack.RunAsync("stack", "output", "show", "demo", "--all", "-f", "json");
        var delete = await stack.RunAsync("stack", "delete", "demo", "--yes");
        var list = await stack.RunAsync("stack", "list", "-f", "json");

        update.ExitCode.ShouldBe(0, update.ToString());
        Outputs(updated)["result"].ShouldBe("ran with Hello, Hearth\n");
        delete.ExitCode.ShouldBe(0, delete.ToString());
        list.Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task StateOf796b3ff_Opened_SealsTheHiddenValueItHeldInClear()
    {
        using var stack = new CliStack();
        Directory.CreateDirectory(stack.State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var earlier = Path.Combine(CliRunner.RepositoryRoot, "tests", "data", "state-796b3ff", "hearth.db");
        (await File.ReadAllBytesAsync(earlier)).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(HiddenDefault)).ShouldBeGreaterThanOrEqualTo(0, "the earlier state held it in clear");
        File.Copy(earlier, Path.Combine(stack.State, "hearth.db"));

        var list = await stack.RunAsync("stack", "list", "-f", "json");
        var outputs = await stack.RunAsync("stack", "output", "show", "demo", "result");

        list.ExitCode.ShouldBe(0, list.ToString());
        Deployments.SecretsAtRestTests.ClearSecretsIn(stack.State, HiddenDefault).ShouldBeEmpty();
        File.GetUnixFileMode(Path.Combine(stack.State, "hearth.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        outputs.ExitCode.ShouldBe(0, outputs.ToString());
        outputs.Out.Trim().ShouldBe("ran with Hello, world");
        var update = await stack.RunAsync("stack", "update", "demo", "--existing", "--parameter", "name=Hearth");
        update.ExitCode.ShouldBe(0, update.ToString());
        Deployments.SecretsAtRestTests.ClearSecretsIn(stack.State, HiddenDefault).ShouldBeEmpty();
    }

    private static Dictionary<string, string?> Outputs(CliResult result) =>
        CliStack.Json(result).EnumerateArray().ToDictionary(
            o => o.GetProperty("output_key").GetString() ?? "",
            o => o.GetProperty("output_value").ValueKind == JsonValueKind.String ? o.GetProperty("output_value").GetString() : o.GetProperty("output_value").GetRawText());
}
