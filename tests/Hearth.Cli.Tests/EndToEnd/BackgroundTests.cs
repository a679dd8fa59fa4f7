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
}
