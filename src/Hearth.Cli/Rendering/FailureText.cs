using Hearth.Engine.Failures;

namespace Hearth.Cli.Rendering;

/// <summary>
/// How the CLI shows an operation's failures: one line each (a script's reason already ends with the last lines of its
/// stderr), and under a script's failure the last lines of what it wrote to stdout, where scripts tell how far they got.
/// A nested stack's or group's failure shows those of the resources inside it the same way.
/// </summary>
internal static class FailureText
{
    /// <summary>How many of the last lines of a script's output are shown.</summary>
    public const int TailLines = 10;

    public static async Task WriteAsync(TextWriter writer, IEnumerable<Failure> failures)
    {
        foreach (var failure in failures)
        {
            await writer.WriteLineAsync($"  failed: {failure}");
            await WriteOutputAsync(writer, failure, "");
        }
    }

    private static async Task WriteOutputAsync(TextWriter writer, Failure failure, string path)
    {
        var here = failure.Resource is null ? path : path + failure.Resource;
        if (failure.Stdout is { } text && !string.IsNullOrWhiteSpace(text))
        {
            var lines = text.TrimEnd('\n').Split('\n');
            var shown = lines.Length <= TailLines ? "" : $", last {TailLines} lines";
            await writer.WriteLineAsync($"    {here} stdout{shown}:");
            foreach (var line in lines.TakeLast(TailLines))
            {
                await writer.WriteLineAsync($"      {line}");
            }
        }

        foreach (var inner in failure.Inner)
        {
            await WriteOutputAsync(writer, inner, here + "/");
        }
    }
}
