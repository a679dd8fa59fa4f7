using Hearth.Engine.Failures;
using Hearth.State;

namespace Hearth.Cli.Rendering;

/// <summary>
/// How the CLI shows an operation's failures: one line each (the resource and the reason), and under a script's failure
/// the last lines of what it wrote to stderr (why it failed, in its own words) and to stdout (where scripts tell how far
/// they got). A nested stack's or group's failure shows those of the resources inside it the same way.
/// </summary>
internal static class FailureText
{
    /// <summary>How many of the last lines of a script's stdout are shown.</summary>
    public const int TailLines = 10;

    /// <summary>How many of the last lines of a script's stderr are shown (as many as a failure reason once quoted).</summary>
    public const int StderrTailLines = 20;

    private static readonly string Indent = System.Environment.NewLine + "    ";

    public static async Task WriteAsync(TextWriter writer, IEnumerable<Failure> failures)
    {
        var all = failures.ToList();
        foreach (var failure in all)
        {
            // A resource that failed twice (its create, then its delete in the rollback) names the action of each.
            var text = failure is { Resource: { } resource, Action: { } action } && all.Count(f => f.Resource == resource) > 1
                ? $"{resource} ({action.ToHeatString()}): {failure.Message}"
                : failure.ToString();

            // A reason of several lines (a config hook may quote the end of stderr in it) stays indented under its line.
            await writer.WriteLineAsync($"  failed: {text.ReplaceLineEndings(Indent)}");
            await WriteOutputAsync(writer, failure, "");
        }
    }

    /// <summary>
    /// An event's line, and under a failed script's event the end of its stderr (from the failure the event carries),
    /// indented; a reason of several sentences has one a line, indented too.
    /// </summary>
    public static string EventLines(string line, EventRecord evt)
    {
        var (stderr, _) = Tail(FailureJson.Read(evt)?.Stderr, StderrTailLines);
        return string.Join(Indent, [line.ReplaceLineEndings(Indent), .. stderr]);
    }

    /// <summary>The last <paramref name="count"/> lines of a script's output, and whether earlier ones were left out; none for no output.</summary>
    public static (IReadOnlyList<string> Lines, bool Cut) Tail(string? text, int count)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
        {
            return ([], false);
        }

        var lines = text.TrimEnd('\n').Split('\n');
        return ([.. lines.TakeLast(count)], lines.Length > count);
    }

    private static async Task WriteOutputAsync(TextWriter writer, Failure failure, string path)
    {
        var here = failure.Resource is null ? path : path + failure.Resource;
        await WriteTailAsync(writer, $"{here} stderr", failure.Stderr, StderrTailLines);
        await WriteTailAsync(writer, $"{here} stdout", failure.Stdout, TailLines);
        foreach (var inner in failure.Inner)
        {
            await WriteOutputAsync(writer, inner, here + "/");
        }
    }

    private static async Task WriteTailAsync(TextWriter writer, string title, string? text, int count)
    {
        var (lines, cut) = Tail(text, count);
        if (lines.Count == 0)
        {
            return;
        }

        await writer.WriteLineAsync($"    {title}{(cut ? $", last {count} lines" : "")}:");
        foreach (var line in lines)
        {
            await writer.WriteLineAsync($"      {line}");
        }
    }
}
