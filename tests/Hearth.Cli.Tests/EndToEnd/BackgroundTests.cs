using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary><c>--no-wait</c>: the real program starts the operation in a process of its own and returns at once.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackgroundTests
{
    [Fact]
    public async Task CreateNoWait_RunsInTheBackgroundToCompletion_WithAPrivateLog()
    {
        using var stack = new CliStack();

        var started = await HearthProcess.RunAsync("--state", stack.State, "stack", "create", "demo", "-t", stack.TemplatePath, "--no-wait");

        started.ExitCode.ShouldBe(0, started.ToString());
        started.Error.ShouldContain("Stack demo: started in the background");
        var logs = Path.Combine(stack.State, "logs");
        var log = Directory.GetFiles(logs).ShouldHaveSingleItem();
        started.Error.ShouldContain(log);

        var text = await WaitForLogAsync(stack, log, "Stack demo CREATE_COMPLETE");
        text.ShouldContain("second CREATE_COMPLETE");
        text.ShouldNotContain(CliStack.Secret);
        File.GetUnixFileMode(log).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(logs).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(stack.State).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task CreateNoWait_OutputsCarryAHiddenValue_MaskedInTheLog()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            parameters:
              secret: {type: string, hidden: true, default: @SECRET@}
            resources:
              first:
                type: OS::Heat::TestResource
                properties: {value: {get_param: secret}}
            outputs:
              copied: {value: {get_attr: [first, output]}}
              derived: {value: {str_replace: {template: "pw=PW", params: {PW: {get_param: secret}}}}}
            """.Replace("@SECRET@", CliStack.Secret, StringComparison.Ordinal));

        var started = await HearthProcess.RunAsync("--state", stack.State, "stack", "create", "demo", "-t", stack.TemplatePath, "--no-wait");

        started.ExitCode.ShouldBe(0, started.ToString());
        // The outputs table is the last thing the background process writes.
        var text = await WaitForLogAsync(stack, Directory.GetFiles(Path.Combine(stack.State, "logs")).ShouldHaveSingleItem(), "derived");
        text.ShouldContain("copied");
        text.ShouldNotContain(CliStack.Secret);
    }

    [Fact]
    public async Task CreateNoWait_StopRequestedBeforeTheOperationStarted_StopsTheBackgroundProcessAndSaysSo()
    {
        using var stack = new CliStack();

        // Ctrl+C came before the background process could start the operation (it takes longer than no time to start).
        var result = await CliRunner.RunAsync(new CancellationToken(canceled: true), "--state", stack.State, "stack", "create", "demo", "-t", stack.TemplatePath, "--no-wait");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Error.ShouldContain("Stack demo: stopping the background operation (process ");
        result.Error.ShouldContain("Stack demo: the background operation was stopped (log ");
        result.Error.ShouldNotContain("started in the background");
        // This command returned only once the background process had ended: what it left is final.
        var stacks = await stack.RunAsync("stack", "list", "-f", "json");
        CliStack.Json(stacks).EnumerateArray().Select(s => s.GetProperty("stack_status").GetString()).ShouldAllBe(s => s == "ROLLBACK_COMPLETE");
    }

    /// <summary>Waits for the background create to complete and its log to hold <paramref name="last"/>; returns the log.</summary>
    private static async Task<string> WaitForLogAsync(CliStack stack, string log, string last)
    {
        using var timeout = new CancellationTokenSource(HearthProcess.Timeout);
        string? status = null;
        while (status is not "CREATE_COMPLETE")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            var show = await stack.RunAsync("stack", "show", "demo", "-f", "json");
            status = show.ExitCode == 0 ? CliStack.Json(show).GetProperty("stack_status").GetString() : null;
            status.ShouldNotBe("CREATE_FAILED", show.ToString());
        }

        // The background process writes its last lines as it ends: wait for them, not for a time.
        while (!(await File.ReadAllTextAsync(log, timeout.Token)).Contains(last, StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }

        return await File.ReadAllTextAsync(log, timeout.Token);
    }

    [Fact]
    public async Task UpdateNoWait_StackDoesNotExist_Exits4WithTheMessageAndStartsNothing()
    {
        using var stack = new CliStack();

        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "update", "nope", "-t", stack.TemplatePath, "--no-wait");

        result.ExitCode.ShouldBe(4, result.ToString());
        result.Error.ShouldContain("stack 'nope' not found");
        result.Error.ShouldNotContain("started in the background");
        Directory.GetFiles(Path.Combine(stack.State, "logs")).ShouldBeEmpty();
    }

    [Fact]
    public async Task UpdateNoWait_StackBusy_Exits3NamingTheHolder()
    {
        using var stack = new CliStack(SlowTemplate);
        await stack.CreateAsync("s");
        using var update = HearthProcess.Start("--state", stack.State, "stack", "update", "s", "-t", stack.TemplatePath, "-P", "wait=600");
        await HearthProcess.WaitUntilAsync(async () =>
        {
            update.HasExited.ShouldBeFalse("the update ended before the second one");
            var show = await stack.RunAsync("stack", "show", "s", "-f", "json");
            return CliStack.Json(show).GetProperty("stack_status").GetString() == "UPDATE_IN_PROGRESS";
        });

        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "update", "s", "--existing", "-P", "wait=1", "--no-wait");

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Error.ShouldContain($"stack 's' is busy: 'update' is running in process {update.Id}");
        result.Error.ShouldContain("; wait for it to end, or stop it where it runs (Ctrl+C in its terminal, or kill -INT with its process id on its machine): it then rolls back");
        result.Error.ShouldNotContain("started in the background");
        Directory.GetFiles(Path.Combine(stack.State, "logs")).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateNoWait_TemplateError_Exits2WithTheDiagnosticAndRecordsNoStack()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            resources:
              broken: {type: OS::Heat::TestResource, propertys: {value: x}}
            """);

        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "create", "s", "-t", stack.TemplatePath, "--no-wait");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("propertys");
        result.Error.ShouldNotContain("started in the background");
        var list = await stack.RunAsync("stack", "list", "-f", "json");
        CliStack.Json(list).GetArrayLength().ShouldBe(0, list.ToString());
    }

    [Fact]
    public async Task CreateNoWait_MaxParallelZero_Exits2AndWritesNothing()
    {
        using var stack = new CliStack();

        var result = await HearthProcess.RunAsync("--state", stack.State, "stack", "create", "s", "-t", stack.TemplatePath, "--max-parallel", "0", "--no-wait");

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Error.ShouldContain("--max-parallel must be at least 1 (got 0)");
        Directory.Exists(stack.State).ShouldBeFalse("nothing is written, not even the state folder");
    }

    private const string SlowTemplate = """
        heat_template_version: 2021-04-16
        parameters:
          wait: {type: number, default: 0}
        resources:
          slow:
            type: OS::Heat::TestResource
            properties: {value: {get_param: wait}, action_wait_secs: {update: {get_param: wait}}}
        """;
}
