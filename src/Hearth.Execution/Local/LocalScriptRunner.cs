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
internal sealed class LocalScriptRunner(LocalTransportOptions options, ChildMonitor monitor, TimeProvider timeProvider)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>How long to wait for a killed process to be reaped before giving up on it.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    /// <summary>The environment scripts start from: the host's choice (without Hearth's credentials), else this process's.</summary>
    private readonly IReadOnlyDictionary<string, string> _baseEnvironment = options.Environment ?? EngineEnvironment.Variables;

    /// <summary>Made private once per runner (it is there for every deployment after the first).</summary>
    private volatile bool _deploymentsFolderReady;

    /// <summary>Where every deployment's working folder is: <c>&lt;state root&gt;/deployments</c>.</summary>
    public string DeploymentsFolder { get; } = Path.Combine(Path.GetFullPath(options.StateRoot), "deployments");

    public string WorkingFolder(string deploymentId) => Path.Combine(DeploymentsFolder, deploymentId);

    public async Task<DeploymentResult> RunAsync(DeploymentRequest request, string script, long started, CancellationToken ct)
    {
        var workdir = WorkingFolder(request.DeploymentId);
        var outputsDir = Path.Combine(workdir, "outputs");
        var scriptPath = Path.Combine(workdir, request.Action);
        var outputsPath = Path.Combine(outputsDir, request.Action);

        var (variables, error) = ScriptEnvironment.Build(request.Inputs, outputsPath);
        error ??= ScriptEnvironment.OutputNameProblem(request.Outputs);
        if (error is not null)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Failed, error, timeProvider.GetElapsedTime(started));
        }

        if (!_deploymentsFolderReady)
        {
            CreatePrivateDirectory(DeploymentsFolder);
            _deploymentsFolderReady = true;
        }

        CreatePrivateDirectory(workdir);
        CreatePrivateDirectory(outputsDir);
        DeleteStaleOutputs(outputsDir, request.Action);

        var (file, arguments) = RequestChecks.HasShebang(script) ? (scriptPath, new[] { scriptPath }) : (options.Shell, [options.Shell, scriptPath]);
        var environment = Environment(variables);
        ScriptProcess process;
        try
        {
            // Which process runs the action is noted before it exists and once it does: if the engine dies in between,
            // the next action in this folder finds the script by its path and stops it (RunningScriptRecord).
            RunningScriptRecord.WritePending(workdir, request.Action);
            WriteScript(scriptPath, script);
            process = ScriptProcess.Start(monitor, file, arguments, environment, workdir, options.MaxCapturedBytes);
            RunningScriptRecord.Write(workdir, process.Pid, request.Action);
        }
        catch (ScriptStartException e)
        {
            RunningScriptRecord.Delete(workdir);
            return DeploymentResult.NotRun(DeploymentStatus.Failed, StartFailure(scriptPath, file, e), timeProvider.GetElapsedTime(started));
        }

        var termination = await WaitAsync(process, request.Timeout, ct);
        if (process.Exited.IsCompleted)
        {
            // Reaped: its pid may be anyone's from now on. One that survived the kill keeps its note, to be stopped next time.
            RunningScriptRecord.Delete(workdir);
        }

        try
        {
            await process.OutputClosed.WaitAsync(options.OutputDrainGrace, timeProvider, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A background process still holds the pipes: keep what was read and stop.
            process.StopReading();
        }

        var exitCode = termination == ScriptTermination.Exited ? await process.Exited : (int?)null;
        var (outputs, refused) = OutputFiles.Read(request.Outputs, outputsPath, options.MaxCapturedBytes);
        var run = new ScriptRun(termination, exitCode, process.Stdout.ToText(), process.Stderr.ToText(), outputs, refused);
        return ScriptResults.Interpret(run, request.Outputs, request.Timeout, timeProvider.GetElapsedTime(started));
    }

    private async Task<ScriptTermination> WaitAsync(ScriptProcess process, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            await process.Exited.WaitAsync(linked.Token);
            return ScriptTermination.Exited;
        }
        catch (OperationCanceledException)
        {
            await ProcessSession.KillAsync(process.Pid, timeProvider);
            try
            {
                await process.Exited.WaitAsync(KillWait, timeProvider, CancellationToken.None);
            }
            catch (Exception e) when (e is TimeoutException || process.Exited.IsFaulted)
            {
                // Unkillable for now (uninterruptible sleep), or its exit status was lost: report the timeout or
                // cancellation anyway.
            }

            return ct.IsCancellationRequested ? ScriptTermination.Cancelled : ScriptTermination.TimedOut;
        }
    }

    /// <summary>The engine's environment with the inputs added (a later one wins), as hook-script.py passes it on.</summary>
    private List<KeyValuePair<string, string>> Environment(IReadOnlyList<KeyValuePair<string, string>> variables)
    {
        var environment = new Dictionary<string, string>(_baseEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return [.. environment];
    }


    private static string StartFailure(string scriptPath, string file, ScriptStartException e) => e.ErrorNumber switch
    {
        NativeMethods.ENoent when file == scriptPath && File.Exists(scriptPath) =>
            $"Could not start the script {scriptPath}: the interpreter on its #! line was not found ({e.Message})",
        NativeMethods.ETxtBsy =>
            $"Could not start the script {scriptPath}: some process kept it, or the interpreter on its #! line, open for writing ({e.Message})",
        _ => $"Could not start the script {scriptPath}: {e.Message}",
    };

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
