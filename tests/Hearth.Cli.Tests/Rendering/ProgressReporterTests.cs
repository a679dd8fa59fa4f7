using Hearth.Cli.Rendering;
using Hearth.Engine.Failures;
using Hearth.State;

namespace Hearth.Cli.Tests.Rendering;

/// <summary>
/// The plain progress lines read a failure from the event's typed payload: a failed script's stderr tail is shown under
/// its event, indented, and never parsed out of (or expected in) the status reason.
/// </summary>
public sealed class ProgressReporterTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OnEvent_FailedScript_ShowsTheLastLinesOfItsStderrUnderTheReason()
    {
        var stderr = string.Concat(Enumerable.Range(1, 25).Select(i => $"problem {i}\n"));
        var failure = new Failure(FailureKind.ScriptFailed, "Deployment to server failed: Deployment exited with non-zero status code: 3")
        {
            Resource = "deploy",
            ExitCode = 3,
            Stderr = stderr,
        };

        var shown = Report(Event("deploy", OperationStatus.Failed, failure.Message, EventKind.Failed, FailureJson.Serialize(failure)));

        var lines = shown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("10:00:00 deploy CREATE_FAILED Deployment to server failed: Deployment exited with non-zero status code: 3");
        lines.Skip(1).ShouldBe(Enumerable.Range(6, 20).Select(i => $"    problem {i}"));
    }

    [Fact]
    public void OnEvent_FailureRecordedBeforeFailuresWereTyped_ShowsItsReasonAlone()
    {
        var shown = Report(Event("deploy", OperationStatus.Failed, "Deployment to server failed: exit 3\nboom", EventKind.Status, null));

        shown.ShouldBe("10:00:00 deploy CREATE_FAILED Deployment to server failed: exit 3\n    boom\n");
    }

    private static string Report(EventRecord evt)
    {
        using var error = new StringWriter();
        new ProgressReporter(new CliConsole(TextWriter.Null, error)).OnEvent(evt);
        return error.ToString().ReplaceLineEndings("\n");
    }

    private static EventRecord Event(string resource, OperationStatus status, string reason, EventKind kind, string? payload) =>
        new(2, "e2", "s-id", "s", resource, null, "OS::Heat::SoftwareDeployment", ResourceAction.Create, status, reason, At, kind, payload);
}
