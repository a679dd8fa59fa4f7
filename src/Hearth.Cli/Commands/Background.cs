using System.CommandLine;
using System.Diagnostics;
using Hearth.State;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>--no-wait</c>: the same command runs in a background <c>hearth</c> process (its output in a log file under the
/// state folder) and this one returns at once. The operation is as safe as in the foreground: it holds the stack's
/// lock, and if that process dies the stack shows as interrupted.
/// </summary>
internal static class Background
{
    public static readonly Option<bool> NoWait = new("--no-wait") { Description = "Start the operation in the background and return at once" };

    public static readonly Option<bool> Wait = new("--wait") { Description = "Wait for the operation to end, showing progress (the default)" };

    public static void AddTo(Command command)
    {
        command.Options.Add(NoWait);
        command.Options.Add(Wait);
    }

    public static async Task<int> StartAsync(ParseResult parse, CliConsole console, string stackName)
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
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet" && typeof(Background).Assembly.Location is { Length: > 0 } entry)
        {
            start.ArgumentList.Add(entry);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HEARTH_BACKGROUND_LOG"] = log;
        using var process = Process.Start(start) ?? throw new UserErrorException("cannot start the background hearth process");
        await console.Error.WriteLineAsync($"Stack {stackName}: started in the background (process {process.Id}, log {log}).");
        await console.Error.WriteLineAsync($"Follow it with: hearth stack event list {stackName} --follow");
        return ExitCodes.Success;
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

        const UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(state, folderMode);
        Directory.CreateDirectory(logs, folderMode);
        using var file = new FileStream(log, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }
}
