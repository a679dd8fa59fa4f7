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
        while (!(await File.ReadAllTextAsync(log, timeout.Token)).Contains("Stack demo CREATE_COMPLETE", StringComparison.Ordinal))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }

        var text = await File.ReadAllTextAsync(log, timeout.Token);
        text.ShouldContain("second CREATE_COMPLETE");
        text.ShouldNotContain(CliStack.Secret);
        File.GetUnixFileMode(log).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(logs).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(stack.State).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
