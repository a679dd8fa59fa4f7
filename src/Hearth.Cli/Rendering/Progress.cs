using Hearth.Cli.Commands;
using Hearth.Engine;

namespace Hearth.Cli.Rendering;

/// <summary>Shows an operation's progress: a live tree on a terminal, plain event lines otherwise (pipes, CI, logs).</summary>
internal static class Progress
{
    public static Task<T> RunAsync<T>(CliConsole console, Func<IEngineObserver, Task<T>> operation)
    {
        if (console.IsTerminal && System.Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"))
        {
            var live = new LiveProgress();
            return live.RunAsync(console, () => operation(Background.AnnouncingStart(live)));
        }

        return operation(Background.AnnouncingStart(new ProgressReporter(console)));
    }
}
