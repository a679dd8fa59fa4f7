using System.Buffers;
using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Local;

/// <summary>
/// The heat-config script contract (hook-script.py) on this machine: the config written to
/// <c>&lt;workdir&gt;/&lt;ACTION&gt;</c> (0700) and executed directly with cwd = the working folder, one environment
/// variable per input plus <c>heat_outputs_path</c>, stdout/stderr captured (tails), outputs read from
/// <c>${heat_outputs_path}.NAME</c>.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class LocalScriptRunner(LocalTransportOptions options, TimeProvider timeProvider)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>How long to wait for a killed process to be reaped before giving up on it.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Held while a script file is open for writing and while a process is forked. A child forked by another thread
    /// while the file is open inherits the write descriptor until it execs, and executing the script then fails with
    /// ETXTBSY; with parallel deployments that race is real.
    /// </summary>
    private static readonly Lock ForkLock = new();

    private readonly string? _setsid = options.SetsidPath is { } path && File.Exists(path) ? path : null;

    public string WorkingFolder(string deploymentId) =>
        Path.Combine(Path.GetFullPath(options.StateRoot), "deployments", deploymentId);

    public async Task<DeploymentResult> RunAsync(DeploymentRequest request, string script, long started, CancellationToken ct)
    {
        var workdir = WorkingFolder(request.DeploymentId);
        var outputsDir = Path.Combine(workdir, "outputs");
        var scriptPath = Path.Combine(workdir, request.Action);
        var outputsPath = Path.Combine(outputsDir, request.Action);

        var (variables, error) = ScriptEnvironment.Build(request.Inputs, outputsPath);
        if (error is not null)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Failed, error, timeProvider.GetElapsedTime(started));
        }

        CreatePrivateDirectory(Path.GetDirectoryName(workdir) ?? workdir);
        CreatePrivateDirectory(workdir);
        CreatePrivateDirectory(outputsDir);
        DeleteStaleOutputs(outputsDir, request.Action);

        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workdir,
        };
        if (_setsid is not null)
        {
            startInfo.FileName = _setsid;
            startInfo.ArgumentList.Add("--wait");
            startInfo.ArgumentList.Add(HasShebang(script) ? scriptPath : options.Shell);
        }
        else
        {
            startInfo.FileName = HasShebang(script) ? scriptPath : options.Shell;
        }

        if (!HasShebang(script))
        {
            startInfo.ArgumentList.Add(scriptPath);
        }

        foreach (var (name, value) in variables)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            lock (ForkLock)
            {
                WriteScript(scriptPath, script);
                process.Start();
            }
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            return DeploymentResult.NotRun(DeploymentStatus.Failed, $"Could not start the script {scriptPath}: {e.Message}", timeProvider.GetElapsedTime(started));
        }

        using (process)
        {
            // The script gets an empty stdin (hook-script.py's had already been read to the end).
            process.StandardInput.Close();
            var stdout = new OutputTail(options.MaxCapturedBytes);
            var stderr = new OutputTail(options.MaxCapturedBytes);
            using var stopReading = new CancellationTokenSource();
            var pumps = Task.WhenAll(
                PumpAsync(process.StandardOutput.BaseStream, stdout, stopReading.Token),
                PumpAsync(process.StandardError.BaseStream, stderr, stopReading.Token));

            var termination = await WaitAsync(process, request.Timeout, ct);
            try
            {
                await pumps.WaitAsync(options.OutputDrainGrace, timeProvider, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // A background process still holds the pipes: keep what was read and stop.
                await stopReading.CancelAsync();
            }

            var exitCode = termination == ScriptTermination.Exited ? process.ExitCode : (int?)null;
            var outputs = await ReadOutputsAsync(request.Outputs, outputsPath);
            var run = new ScriptRun(termination, exitCode, stdout.ToText(), stderr.ToText(), outputs);
            return ScriptResults.Interpret(run, request.Outputs, request.Timeout, timeProvider.GetElapsedTime(started));
        }
    }

    private async Task<ScriptTermination> WaitAsync(Process process, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
            return ScriptTermination.Exited;
        }
        catch (OperationCanceledException)
        {
            await ProcessSession.KillAsync(process, ownSession: _setsid is not null, timeProvider);
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillWait, timeProvider, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // Unkillable for now (uninterruptible sleep); report the timeout or cancellation anyway.
            }

            return ct.IsCancellationRequested ? ScriptTermination.Cancelled : ScriptTermination.TimedOut;
        }
    }

    private static async Task PumpAsync(Stream stream, OutputTail tail, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, ReadBufferSize), ct)) > 0)
            {
                tail.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped reading on purpose, or the pipe went away: the tail keeps what arrived.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<ImmutableDictionary<string, object?>> ReadOutputsAsync(
        IEnumerable<DeploymentOutputDeclaration> declared,
        string outputsPath)
    {
        var outputs = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (var output in declared)
        {
            var file = $"{outputsPath}.{output.Name}";
            try
            {
                if (File.Exists(file))
                {
                    outputs[output.Name] = await File.ReadAllTextAsync(file, Encoding.UTF8, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable counts as not written, as in hook-script.py.
            }
        }

        return outputs.ToImmutable();
    }

    private static bool HasShebang(string script) => script.StartsWith("#!", StringComparison.Ordinal);

    private static void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path, Private);
        // An existing folder keeps its mode through CreateDirectory: make it private either way.
        File.SetUnixFileMode(path, Private);
    }

    /// <summary>Outputs of an earlier run of the same action must not pass for this run's.</summary>
    private static void DeleteStaleOutputs(string outputsDir, string action)
    {
        foreach (var file in Directory.EnumerateFiles(outputsDir, action + ".*"))
        {
            File.Delete(file);
        }
    }

    private static void WriteScript(string path, string script)
    {
        // Recreate rather than overwrite, so the mode is 0700 whatever an earlier file had.
        File.Delete(path);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = Private,
        });
        var bytes = Encoding.UTF8.GetBytes(script);
        stream.Write(bytes);
    }
}
