using System.Diagnostics;
using System.Globalization;
using Hearth.Cli;

namespace Hearth.Server.Tests;

/// <summary>
/// <c>hearth server</c> as users run it: the real program (<see cref="HearthProgram"/>) in a process of its own, on a
/// free loopback port, over a state folder of the test's. Killed at the latest when disposed.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The server's root, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Url { get; }

    /// <summary>What the OpenStack client is pointed at.</summary>
    public string Endpoint => Url + "/v1/admin";

    public int Id => _process.Id;

    public static async Task<ServerProcess> StartAsync(string state, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var command = HearthProgram.Command();
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] urls = args.Contains("--urls") ? [] : ["--urls", "http://127.0.0.1:0"];
        foreach (var arg in command.Skip(1).Concat(["--state", state, "server"]).Concat(urls).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "HEARTH_STATE", "HEARTH_DATABASE", "HEARTH_TOKEN", "HEARTH_SERVER", "HEARTH_CRASH_AT" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start hearth server");
        try
        {
            // The first line on stdout says where it listens; anything else (it exited) is the failure to report.
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Default);
            const string Listening = "Listening on ";
            if (line is null || !line.StartsWith(Listening, StringComparison.Ordinal))
            {
                process.Kill();
                throw new InvalidOperationException($"hearth server did not start: {line}\n{await process.StandardError.ReadToEndAsync().WaitAsync(TestTimeouts.Default)}");
            }

            _ = process.StandardOutput.ReadToEndAsync();
            return new ServerProcess(process, line[Listening.Length..].Trim());
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: the server gets no chance to finish or record anything (a power loss, an OOM kill).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }

    /// <summary>SIGTERM, as a service manager stops it; returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Error)> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-s", "TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        return (_process.ExitCode, await _stderr.WaitAsync(TestTimeouts.Default));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TestTimeouts.Default);
        }

        _process.Dispose();
    }

    /// <summary>Until the server has exited by itself (a crash the test asked for).</summary>
    public Task ExitedAsync() => _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);

    /// <summary>Runs a <c>hearth</c> command in-process (<see cref="Program.RunAsync"/>) on the same state, as an operator beside the server would.</summary>
    public static Task<(int ExitCode, string Out, string Error)> HearthAsync(string state, params string[] args) =>
        RunningHearth.Start(state, args).EndAsync();

    /// <summary>A new token with the given rights, made with <c>hearth token create</c>.</summary>
    public static async Task<string> CreateTokenAsync(string state, string name, bool readOnly = false)
    {
        var (exit, output, error) = await HearthAsync(state, readOnly ? ["token", "create", name, "--read-only"] : ["token", "create", name]);
        exit.ShouldBe(0, error);
        return output.Trim();
    }
}
