using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;
using Hearth.State;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack event list [--follow]</c>.</summary>
internal static class EventCommands
{
    private const int PageSize = 1000;

    public static Command Create(CliConsole console)
    {
        var events = new Command("event", "Read a stack's events");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };
        var list = new Command("list", "List a stack's events, oldest first (nested stacks included)");
        var follow = new Option<bool>("--follow")
        {
            Description = "Keep printing new events until the stack's operation ends: the one running, or on an idle stack the next one (Ctrl+C stops sooner)",
        };
        var after = new Option<long>("--after")
        {
            Description = "Only events after this sequence number (each event's 'sequence', shown by -f json or -f yaml), to resume where a reader stopped",
        }.AtLeast(0L);
        var format = OutputFormatOption.Create();
        list.Arguments.Add(stackName);
        list.Options.Add(follow);
        list.Options.Add(after);
        list.Options.Add(format);
        list.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var name = parse.GetRequiredValue(stackName);
                var outputFormat = parse.GetValue(format);
                if (parse.GetValue(follow))
                {
                    await foreach (var evt in engine.FollowEventsAsync(name, parse.GetValue(after), ct))
                    {
                        // Followed JSON is one event per line, so a reader can act on each as it comes.
                        await console.Out.WriteLineAsync(outputFormat == OutputFormat.Table
                            ? Line(evt)
                            : StructuredOutput.ToJson(HeatViews.Event(evt)).ReplaceLineEndings(" "));
                    }

                    return ExitCodes.Success;
                }

                var all = new List<EventRecord>();
                IReadOnlyList<EventRecord> page;
                var last = parse.GetValue(after);
                do
                {
                    page = await engine.ListEventsAsync(name, last, PageSize, ct);
                    all.AddRange(page);
                    last = page.Count > 0 ? page[^1].Sequence : last;
                }
                while (page.Count == PageSize);

                if (outputFormat == OutputFormat.Table)
                {
                    foreach (var evt in all)
                    {
                        await console.Out.WriteLineAsync(Line(evt));
                    }
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, outputFormat, all.Select(e => HeatViews.Event(e)).ToList());
                }

                return ExitCodes.Success;
            }
        });
        events.Subcommands.Add(list);
        return events;
    }

    /// <summary>An event's line; a failed script's shows the end of its stderr under it.</summary>
    private static string Line(EventRecord evt) =>
        FailureText.EventLines($"{HeatViews.Time(evt.Time)} [{evt.ResourceName}]: {HeatStatus.Format(evt.Action, evt.Status)}  {evt.StatusReason}", evt);
}
