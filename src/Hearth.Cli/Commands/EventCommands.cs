using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;
using Hearth.State;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack event list [--follow]</c>.</summary>
internal static class EventCommands
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliConsole console)
    {
        var events = new Command("event", "Read a stack's events");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };
        var list = new Command("list", "List a stack's events, oldest first (nested stacks included)");
        var follow = new Option<bool>("--follow") { Description = "Keep printing new events until the stack's operation ends (or Ctrl+C)" };
        var format = OutputFormatOption.Create();
        list.Arguments.Add(stackName);
        list.Options.Add(follow);
        list.Options.Add(format);
        list.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var name = parse.GetRequiredValue(stackName);
                var outputFormat = parse.GetValue(format);
                var after = 0L;
                var all = new List<EventRecord>();
                while (true)
                {
                    var page = await engine.ListEventsAsync(name, after, 1000, ct);
                    foreach (var evt in page)
                    {
                        after = evt.Sequence;
                        if (outputFormat == OutputFormat.Table)
                        {
                            await console.Out.WriteLineAsync(Line(evt));
                        }
                        else if (parse.GetValue(follow))
                        {
                            // Followed JSON is one event per line, so a reader can act on each as it comes.
                            await console.Out.WriteLineAsync(StructuredOutput.ToJson(HeatViews.Event(evt)).ReplaceLineEndings(" "));
                        }
                        else
                        {
                            all.Add(evt);
                        }
                    }

                    if (page.Count == 1000)
                    {
                        continue;
                    }

                    if (!parse.GetValue(follow))
                    {
                        break;
                    }

                    var stack = await engine.GetStackAsync(name, ct);
                    if (stack.Status != OperationStatus.InProgress || await engine.FindDeadHolderAsync(stack, ct) is not null)
                    {
                        if ((await engine.ListEventsAsync(name, after, 1, ct)).Count == 0)
                        {
                            break;
                        }

                        continue;
                    }

                    await Task.Delay(FollowInterval, ct);
                }

                if (outputFormat != OutputFormat.Table && !parse.GetValue(follow))
                {
                    await StructuredOutput.WriteAsync(console.Out, outputFormat, all.Select(e => HeatViews.Event(e)).ToList());
                }

                return ExitCodes.Success;
            }
        });
        events.Subcommands.Add(list);
        return events;
    }

    private static string Line(EventRecord evt) =>
        $"{HeatViews.Time(evt.Time)} [{evt.ResourceName}]: {HeatStatus.Format(evt.Action, evt.Status)}  {evt.StatusReason}";
}
