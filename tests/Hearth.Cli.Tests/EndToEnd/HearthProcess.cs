using System.Diagnostics;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>hearth</c> program in a process of its own (<see cref="HearthProgram"/>: what this commit builds, or the
/// published program <c>HEARTH_TEST_PROGRAM</c> names).
/// </summary>
internal sealed class HearthProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private const string ResetSignals = "/usr/bin/env";

    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private HearthProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static HearthProcess Start(params string[] args) => Start(environment: null, args);

    /// <summary>Starts hearth with extra environment variables (the crash harness's <c>HEARTH_CRASH_AT</c>).</summary>
    public static HearthProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string[] command = [.. HearthProgram.Command()];
        // Ctrl+C and SIGTERM act as from a terminal even when the tests were started with them ignored (a background
        // job of a script), which every child would inherit: env (coreutils) restores their defaults before hearth starts.
        if (File.Exists(ResetSignals))
        {
            command = [ResetSignals, "--default-signal=INT,TERM", .. command];
        }

        var info = new ProcessStartInfo(command[0]);
        foreach (var arg in command[1..].Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment.Remove("HEARTH_STATE");
        info.Environment.Remove("HEARTH_DATABASE");
        info.Environment.Remove("HEARTH_CRASH_AT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new HearthProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start hearth"));
    }

    /// <summary>Runs hearth to its end and returns what it printed.</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(environment: null, args);

    /// <summary>Runs hearth, with extra environment variables, to its end and returns what it printed.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        return await process.WaitAsync();
    }

    public async Task<CliResult> WaitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        return new CliResult(_process.ExitCode, await _stdout.WaitAsync(Timeout), await _stderr.WaitAsync(Timeout));
    }

    /// <summary>Sends a signal by name (<c>INT</c> as Ctrl+C does, <c>TERM</c>) with kill(1), and waits until it is sent.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("could not start kill");
        await kill.WaitForExitAsync().WaitAsync(Timeout);
        kill.ExitCode.ShouldBe(0, $"kill -s {signal} {Id} failed");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most <see cref="Timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to record anything.</summary>
    public async Task<CliResult> KillAsync()
    {
        _process.Kill();
        return await WaitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
