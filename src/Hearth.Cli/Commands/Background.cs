using System.CommandLine;
using System.Diagnostics;
using Hearth.Engine;
using Hearth.State;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>--no-wait</c>: the same command runs in a background <c>hearth</c> process (its output in a log file under the
/// state folder) and this one returns once that process has started the operation. The operation is as safe as in the
/// foreground: it holds the stack's lock, and if that process dies the stack shows as interrupted.
/// </summary>
/// <remarks>
/// The background process makes every check the foreground makes (the stack exists, is not busy nor interrupted, the
/// template is valid) and announces the operation's start by creating a file (<c>HEARTH_BACKGROUND_STARTED</c>) when
/// its first event is recorded, after the lock is taken. Until then this process waits: if the other ends first, its
/// message and exit code (2, 3, 4) are this command's, as in the foreground, and there is no race between a check and
/// the lock.
/// </remarks>
internal static class Background
{
    private const string StartedVariable = "HEARTH_BACKGROUND_STARTED";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static readonly Option<bool> NoWait = new("--no-wait") { Description = "Start the operation in the background and return at once" };

    public static readonly Option<bool> Wait = new("--wait") { Description = "Wait for the operation to end, showing progress (the default)" };

    public static void AddTo(Command command)
    {
        command.Options.Add(NoWait);
        command.Options.Add(Wait);
    }

    public static async Task<int> StartAsync(ParseResult parse, CliConsole console, string stackName, CancellationToken cancellationToken)
    {
        if (Engine.StackNames.Problem(stackName) is { } problem)
        {
            // The log's file name holds the stack name: a stack made before names were checked runs in the foreground.
            throw new UserErrorException(problem + "; a stack named otherwise before names were checked can still be updated or deleted without --no-wait");
        }

        var arguments = parse.Tokens.Select(t => t.Value).Where(v => v != "--no-wait").ToList();
        var state = StateLocation.Resolve(parse.GetValue(GlobalOptions.State), System.Environment.GetEnvironmentVariables());
        var logs = Path.Combine(state, "logs");
        var log = Path.Combine(logs, $"{stackName}-{TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()}.log");
        try
        {
            CreatePrivateLog(state, logs, log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot write the operation's log '{log}': {StateFolder.DescribeWriteFailure(state)}", ExitCodes.StateUnusable);
        }

        var executable = System.Environment.ProcessPath ?? throw new UserErrorException("cannot find the hearth executable to run in the background");

        // sh only redirects: every argument reaches hearth through "$@", never spliced into shell text. setsid puts
        // the child in its own session, so closing the terminal or Ctrl+C here does not stop the operation.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec setsid \"$@\" >\"$HEARTH_BACKGROUND_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("hearth");
        start.ArgumentList.Add(executable);
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hearth.dll"));
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var started = log + ".started";
        start.Environment["HEARTH_BACKGROUND_LOG"] = log;
        start.Environment[StartedVariable] = started;
        using var process = Process.Start(start) ?? throw new UserErrorException("cannot start the background hearth process");
        try
        {
            while (!File.Exists(started) && !process.HasExited)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await StopAsync(console, process, stackName, log, started);
        }

        if (!File.Exists(started))
        {
            // It ended before any operation started: a refusal (or a command with nothing to do) is told here, not in a log.
            await console.Error.WriteAsync(await File.ReadAllTextAsync(log, cancellationToken));
            File.Delete(log);
            return process.ExitCode;
        }

        File.Delete(started);
        await console.Error.WriteLineAsync($"Stack {stackName}: started in the background (process {process.Id}, log {log}).");
        await console.Error.WriteLineAsync($"Follow it with: {GlobalOptions.Command(parse)} stack event list {stackName} --follow");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Ctrl+C (or SIGTERM) while this process waits for the background one to start: the user wants no operation, so the
    /// signal goes on to the background process, which stops as a foreground one would (an operation it began rolls back
    /// to the end), and this one waits for it and shows its log. A second signal ends this process only (StopSignals).
    /// </summary>
    private static async Task<int> StopAsync(CliConsole console, Process process, string stackName, string log, string started)
    {
        await console.Error.WriteLineAsync($"Stack {stackName}: stopping the background operation (process {process.Id}) and waiting for it to end.");
        if (!process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "kill -INT \"$1\" 2>/dev/null", "sh", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null)
            {
                await kill.WaitForExitAsync(CancellationToken.None);
            }
        }

        await process.WaitForExitAsync(CancellationToken.None);
        File.Delete(started);
        await console.Error.WriteAsync(await File.ReadAllTextAsync(log, CancellationToken.None));
        await console.Error.WriteLineAsync($"Stack {stackName}: the background operation was stopped (log {log}).");
        return ExitCodes.OperationFailed;
    }

    /// <summary>
    /// In the background process: <paramref name="observer"/>, which also tells the process that started this one
    /// when the operation's first event is recorded. Elsewhere: <paramref name="observer"/> itself.
    /// </summary>
    public static IEngineObserver AnnouncingStart(IEngineObserver observer)
    {
        var path = System.Environment.GetEnvironmentVariable(StartedVariable);
        if (string.IsNullOrEmpty(path))
        {
            return observer;
        }

        // Scripts the operation runs inherit the environment: the note is for this process only.
        System.Environment.SetEnvironmentVariable(StartedVariable, null);
        return new StartAnnouncer(observer, path);
    }

    private sealed class StartAnnouncer(IEngineObserver inner, string path) : IEngineObserver
    {
        private int _announced;

        public void OnEvent(EventRecord stackEvent)
        {
            if (Interlocked.Exchange(ref _announced, 1) == 0)
            {
                try
                {
                    using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write });
                }
                catch (IOException)
                {
                    // The process that waits for it is gone, or the note exists already: nothing to tell.
                }
            }

            inner.OnEvent(stackEvent);
        }
    }

    /// <summary>
    /// The log holds the operation's events and script output: private to the user like the rest of the state. The
    /// folders and the file are made before the shell's redirection opens it (which keeps an existing file's mode).
    /// </summary>
    private static void CreatePrivateLog(string state, string logs, string log)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(logs);
            return;
        }

        // The log is written before the background process opens the state: the folder is checked as that would.
        StateFolder.EnsurePrivate(state);
        Directory.CreateDirectory(logs, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var file = new FileStream(log, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>
    /// <c>--no-wait</c> on a server: the server runs the operation, and has accepted it (its first event is recorded)
    /// when the request returns, so there is no process to start here.
    /// </summary>
    public static async Task<int> ReportAcceptedAsync(ParseResult parse, CliConsole console, Engine.Operations.OperationOutcome outcome)
    {
        var stack = outcome.Stack;
        await console.Error.WriteLineAsync($"Stack {stack.Name}: {HeatStatus.Format(stack.Action, stack.Status)} on the server.");
        await console.Error.WriteLineAsync($"Follow it with: {GlobalOptions.Command(parse)} stack event list {stack.Name} --follow");
        return ExitCodes.Success;
    }
}
