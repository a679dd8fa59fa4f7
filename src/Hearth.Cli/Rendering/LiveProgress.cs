using System.Collections.Concurrent;
using System.Diagnostics;
using Hearth.Engine;
using Hearth.Engine.Failures;
using Hearth.State;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hearth.Cli.Rendering;

/// <summary>
/// Live progress on a terminal: a tree of the stack's resources (nested stacks under their resource) with each
/// one's state and how long its current action has taken, redrawn as events arrive. Off a terminal the
/// <see cref="ProgressReporter"/> prints plain lines instead.
/// </summary>
internal sealed class LiveProgress : IEngineObserver
{
    private readonly ConcurrentDictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, string> _stackNames = new(StringComparer.Ordinal);
    private string? _rootStackId;
    private string _title = "";

    /// <param name="Failure">Why the resource's last action failed, as the engine recorded it (null unless it failed).</param>
    private sealed record Row(
        string Key, string StackId, string? ParentKey, string Name, OperationStatus State, string Status, Failure? Failure, TimeSpan Started, TimeSpan? Ended, long Order);

    public void OnEvent(EventRecord stackEvent)
    {
        var root = _rootStackId ??= stackEvent.StackId;
        _stackNames[stackEvent.StackId] = stackEvent.StackName;
        var status = HeatStatus.Format(stackEvent.Action, stackEvent.Status);
        if (stackEvent.ResourceName == stackEvent.StackName && stackEvent.StackId == root)
        {
            _title = $"{stackEvent.StackName}  {status}";
            return;
        }

        var isStackEvent = stackEvent.ResourceName == stackEvent.StackName;
        if (isStackEvent)
        {
            // A nested stack's own status: shown on the parent resource's line.
            return;
        }

        var key = $"{stackEvent.StackId}/{stackEvent.ResourceName}";
        var parent = stackEvent.StackId == root ? null : ParentKey(stackEvent.StackId, stackEvent.StackName);
        var now = _clock.Elapsed;
        var failure = Failed(stackEvent);
        _rows.AddOrUpdate(
            key,
            _ => new Row(key, stackEvent.StackId, parent, stackEvent.ResourceName, stackEvent.Status, status, failure, now, Ended(stackEvent, now), stackEvent.Sequence),
            (_, old) => old with
            {
                State = stackEvent.Status,
                Status = status,
                Failure = failure,
                Started = stackEvent.Status == OperationStatus.InProgress ? now : old.Started,
                Ended = Ended(stackEvent, now),
            });
    }

    /// <summary>
    /// The failure a failed event carries; for one recorded before failures were typed (a resume of an old operation),
    /// a failure that says what its reason said.
    /// </summary>
    private static Failure? Failed(EventRecord stackEvent) =>
        stackEvent.Status != OperationStatus.Failed ? null
        : FailureJson.Read(stackEvent) ?? new Failure(FailureKind.ResourceFailed, stackEvent.StatusReason);

    private static TimeSpan? Ended(EventRecord e, TimeSpan now) => e.Status == OperationStatus.InProgress ? null : now;

    /// <summary>A nested stack is named PARENTSTACK-RESOURCE-SHORTID (12 characters): find the parent resource's row.</summary>
    private string? ParentKey(string stackId, string stackName)
    {
        var parent = _stackNames
            .Where(kv => kv.Key != stackId && stackName.StartsWith(kv.Value + "-", StringComparison.Ordinal) && stackName.Length > kv.Value.Length + 14)
            .OrderByDescending(kv => kv.Value.Length)
            .Select(kv => (Id: kv.Key, Resource: stackName[(kv.Value.Length + 1)..^13]))
            .FirstOrDefault();
        return parent.Id is null ? null : $"{parent.Id}/{parent.Resource}";
    }

    /// <summary>Runs the operation while drawing its progress on <paramref name="console"/>'s stderr.</summary>
    public async Task<T> RunAsync<T>(CliConsole console, Func<Task<T>> operation)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.RawError),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Yes,
        });
        var task = operation();
        await ansi.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (!task.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(150)));
            }

            context.UpdateTarget(Render());
        });
        return await task;
    }

    private IRenderable Render()
    {
        var tree = new Tree(new Markup($"[bold]{Shown(_title)}[/]  [grey]{_clock.Elapsed:mm\\:ss}[/]"));
        var nodes = new Dictionary<string, TreeNode>(StringComparer.Ordinal);
        foreach (var row in _rows.Values.OrderBy(r => r.Order))
        {
            var elapsed = (row.Ended ?? _clock.Elapsed) - row.Started;
            var color = row.State switch
            {
                OperationStatus.Failed => "red",
                OperationStatus.InProgress => "yellow",
                _ => "green",
            };
            var reason = row.Failure is { } failure ? $"  [red]{Shown(failure.Message)}[/]{LastStderrLine(failure)}" : "";
            var label = new Markup($"{Shown(row.Name)}  [{color}]{row.Status}[/]  [grey]{elapsed.TotalSeconds:0.0}s[/]{reason}");
            var node = row.ParentKey is { } parent && nodes.TryGetValue(parent, out var parentNode) ? parentNode.AddNode(label) : tree.AddNode(label);
            nodes[row.Key] = node;
        }

        return tree;
    }

    /// <summary>A script's last word on stderr, beside its failure (the whole tail is printed when the operation ends).</summary>
    private static string LastStderrLine(Failure failure) =>
        FailureText.Tail(failure.Stderr, 1).Lines is [var line] ? $"  [grey]{Shown(line)}[/]" : "";

    /// <summary>Names and reasons from templates and scripts, drawn with their control characters shown, not obeyed.</summary>
    private static string Shown(string text) => Markup.Escape(TerminalText.Visible(text));
}
