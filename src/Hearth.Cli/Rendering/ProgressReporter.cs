using Hearth.Engine;
using Hearth.State;

namespace Hearth.Cli.Rendering;

/// <summary>
/// Live progress of an operation, one line per event on stderr: time, resource, status and reason (and under a failed
/// script's event the end of its stderr). Lines are written as events are recorded, so a long operation shows what it is
/// doing while it does it.
/// </summary>
internal sealed class ProgressReporter(CliConsole console) : IEngineObserver
{
    private readonly Lock _gate = new();
    private string? _rootStackId;

    public void OnEvent(EventRecord stackEvent)
    {
        // The first event is the operated stack's own; resources of nested stacks are shown with their stack's name.
        var root = _rootStackId ??= stackEvent.StackId;
        var name = stackEvent.StackId == root || stackEvent.ResourceName == stackEvent.StackName
            ? stackEvent.ResourceName
            : $"{stackEvent.StackName}/{stackEvent.ResourceName}";
        var line = $"{stackEvent.Time.UtcDateTime:HH:mm:ss} {name} {HeatStatus.Format(stackEvent.Action, stackEvent.Status)}"
            + (string.IsNullOrEmpty(stackEvent.StatusReason) || stackEvent.StatusReason == "state changed" ? "" : $" {stackEvent.StatusReason}");
        var text = FailureText.EventLines(line, stackEvent);
        lock (_gate)
        {
            console.Error.WriteLine(text);
        }
    }
}
