using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Hearth.Execution.Hosts;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Ssh;

/// <summary>
/// Runs deployments on one server over SSH with the heat-config script contract, as <see cref="Local.LocalTransport"/>
/// does on this machine: the script in <c>~/.hearth/deployments/ID/ACTION</c> (0700), its inputs as environment
/// variables, outputs from <c>${heat_outputs_path}.NAME</c>, bounded tails of stdout and stderr. Inputs travel on
/// stdin, never in a command line. See docs/ssh.md.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SshTransport(SshConnection connection, SshFolder folder, SshOptions options, TimeProvider time) : IDeploymentTransport
{
    /// <summary>How long a stopped run may take to report before the transport stops waiting for its connection.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(15);


    private string Root => options.RemoteRoot;

    public async Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        RequestChecks.Validate(request);
        if (request.Action == DeploymentActions.Delete && NeverReachable() is { } unreachable)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Skipped, NeverReached(unreachable), Elapsed(started));
        }

        try
        {
            // A run stops what a dead engine left running for the deployment itself, in the same round trip; anything
            // else asks first, so that nothing is left going beside an action that runs nothing.
            var selection = ConfigGroups.Select(request.Group, request.Config, request.Action);
            if (selection is ConfigSelection.Run run && !ct.IsCancellationRequested)
            {
                // A group with a hook (docker-cmd) drives its tool on the host over the same shared connection.
                return ConfigHooks.Find(run.Group, time) is { } hook
                    ? await hook.RunAsync(new SshCommandHost(connection), request, run.Config, ct)
                    : await RunAsync(request, run.Config, started, ct);
            }

            var leftover = await StopLeftoverAsync(request.DeploymentId, started, CancellationToken.None);
            if (leftover is { Status: not DeploymentStatus.Complete })
            {
                return leftover;
            }

            var result = ct.IsCancellationRequested
                ? DeploymentResult.NotRun(DeploymentStatus.Cancelled, "Deployment cancelled.", Elapsed(started))
                : selection is ConfigSelection.NotRun notRun
                    ? DeploymentResult.NotRun(notRun.Status, notRun.Reason, Elapsed(started))
                    : throw new InvalidOperationException("unreachable");
            return RequestChecks.WithNote(result, leftover);
        }
        catch (Exception e) when (e is HostKeyRejectedException or HostUnreachableException)
        {
            return request.Action == DeploymentActions.Delete && !folder.Reached(connection.Target)
                ? DeploymentResult.NotRun(DeploymentStatus.Skipped, NeverReached(e), Elapsed(started))
                : DeploymentResult.NotRun(DeploymentStatus.Failed, e.Message, Elapsed(started));
        }
    }

    public async Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct)
    {
        RequestChecks.ValidateId(deploymentId, nameof(deploymentId));
        var started = time.GetTimestamp();
        if (NeverReachable() is not null)
        {
            return null;
        }

        try
        {
            return await StopLeftoverAsync(deploymentId, started, ct);
        }
        catch (Exception e) when (e is HostKeyRejectedException or HostUnreachableException)
        {
            return folder.Reached(connection.Target)
                ? DeploymentResult.NotRun(DeploymentStatus.Failed, $"Could not look for a script left running: {e.Message}", Elapsed(started))
                : null;
        }
    }

    public async Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct)
    {
        var stopped = new List<string>();
        try
        {
            var listing = await AskAsync("list", [], ct);
            foreach (var line in Lines(listing.Stdout))
            {
                // "running ID ACTION.ATTEMPT MACHINE PID TICKS"
                if (line.Split(' ', 4) is ["running", var id, var run, var engine] && EngineIdentity.IsDeadHere(engine))
                {
                    var reply = await AskAsync("stop", [id, run], ct);
                    stopped.AddRange(Lines(reply.Stdout).Select(l => Describe(l) is var (_, text) ? text : l));
                }
            }
        }
        catch (Exception e) when (e is HostKeyRejectedException or HostUnreachableException)
        {
            stopped.Add($"(could not look on {connection.Target.Description}) {e.Message}");
        }

        return stopped;
    }

    public async Task RemoveAsync(string deploymentId, CancellationToken ct)
    {
        RequestChecks.ValidateId(deploymentId, nameof(deploymentId));
        if (NeverReachable() is not null)
        {
            return; // As below, without waiting for the same failure again.
        }

        SshCommandResult result;
        try
        {
            result = await AskAsync("remove", [deploymentId], ct);
        }
        catch (Exception e) when ((e is HostKeyRejectedException or HostUnreachableException) && !folder.Reached(connection.Target))
        {
            return; // Nothing of this state folder was ever sent there, so there is no working folder to remove.
        }

        if (result.ExitCode != 0)
        {
            throw new HostUnreachableException($"could not remove the working folder of deployment {deploymentId} on {connection.Target.Description}: {result.Stderr.Trim()}");
        }
    }

    private async Task<DeploymentResult> RunAsync(DeploymentRequest request, string script, long started, CancellationToken ct)
    {
        var outputsPath = $"~/{Root}/{request.DeploymentId}/outputs/{request.Action}";
        var (variables, error) = ScriptEnvironment.Build(request.Inputs, outputsPath);
        error ??= ScriptEnvironment.OutputNameProblem(request.Outputs) ?? RemoteEnvironment.Problem(variables, request.Outputs);
        if (error is not null)
        {
            var stopped = await StopLeftoverAsync(request.DeploymentId, started, CancellationToken.None);
            return stopped is { Status: not DeploymentStatus.Complete }
                ? stopped
                : RequestChecks.WithNote(DeploymentResult.NotRun(DeploymentStatus.Failed, error, Elapsed(started)), stopped);
        }

        var attempt = Guid.NewGuid().ToString("N")[..16];
        var payload = RemoteEnvironment.Payload(variables, request.Action, script, request.Outputs, EngineIdentity.Current);
        string[] words = [request.DeploymentId, request.Action, attempt, RequestChecks.HasShebang(script) ? "1" : "0"];

        // The run is not cancelled by the caller: a timeout or cancel stops the script on the server, and then the run
        // reports what it printed before it was stopped. Only when the server does not answer is the run abandoned.
        using var abandon = new CancellationTokenSource();
        var running = connection.RequestAsync("run", words, payload, abandon.Token);
        var termination = await WaitAsync(running, request.Timeout, ct);
        if (termination != ScriptTermination.Exited)
        {
            await StopRunAsync(request, attempt, running, abandon);
        }

        SshCommandResult reply;
        try
        {
            reply = await running;
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            return DeploymentResult.NotRun(termination == ScriptTermination.Cancelled ? DeploymentStatus.Cancelled : DeploymentStatus.TimedOut,
                $"{Stopped(termination, request.Timeout)}; {connection.Target.Description} did not answer, so the script may still run there (the next action of this deployment stops it first)",
                Elapsed(started));
        }

        if (reply.ExitCode != 0 || RemoteReply.Parse(reply.Stdout, outputsPath, options.MaxCapturedBytes, termination) is not { } outcome)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Failed,
                $"The run on {connection.Target.Description} did not report (exit {reply.ExitCode}): {reply.Stderr.Trim()}", Elapsed(started));
        }

        var leftover = Leftover(outcome.Leftovers, started);
        if (outcome.Run is not { } run)
        {
            return leftover ?? DeploymentResult.NotRun(DeploymentStatus.Failed, $"The run on {connection.Target.Description} reported nothing", Elapsed(started));
        }

        return RequestChecks.WithNote(Result(run, request, script, started), leftover);
    }

    private DeploymentResult Result(ScriptRun run, DeploymentRequest request, string script, long started)
    {
        if (run is { Termination: ScriptTermination.Exited, ExitCode: null })
        {
            return new DeploymentResult(DeploymentStatus.Failed, null, run.Stdout, run.Stderr, run.Outputs,
                $"The script ended on {connection.Target.Description} with no exit status recorded: it was killed, or the process there that waited for it was", Elapsed(started));
        }

        if (run is { Termination: ScriptTermination.Exited, ExitCode: 126 or 127 } && StartFailure(run.Stderr, request, script) is { } failure)
        {
            return new DeploymentResult(DeploymentStatus.Failed, run.ExitCode, run.Stdout, run.Stderr, run.Outputs, failure, Elapsed(started));
        }

        return ScriptResults.Interpret(run, request.Outputs, request.Timeout, Elapsed(started));
    }

    /// <summary>
    /// Why the script could not start on the host, as the LOCAL transport says it, when <c>setsid</c> said it could not
    /// execute the script's file (which the dispatcher had just written): its <c>#!</c> line names an interpreter the host
    /// lacks, or cannot run. Null when the script started (its own exit status 126 or 127 is its business).
    /// </summary>
    private string? StartFailure(string stderr, DeploymentRequest request, string script)
    {
        const string prefix = "setsid: failed to execute ";
        var said = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        if (!said.StartsWith(prefix, StringComparison.Ordinal) || !said.Contains($"/{request.DeploymentId}/{request.Action}: ", StringComparison.Ordinal))
        {
            return null;
        }

        var interpreter = RequestChecks.HasShebang(script) ? script[2..].Split('\n')[0].Trim().Split(' ', '\t')[0] : "/bin/sh";
        var why = said[(said.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
        return why switch
        {
            "No such file or directory" => $"Could not start the script on {connection.Target.Description}: the interpreter on its #! line ({interpreter}) was not found there ({said})",
            "Permission denied" => $"Could not start the script on {connection.Target.Description}: the interpreter on its #! line ({interpreter}) cannot be run there ({said})",
            _ => $"Could not start the script on {connection.Target.Description}: {said}",
        };
    }

    /// <summary>Waits for the run until it ends, its timeout passes or the caller cancels.</summary>
    private async Task<ScriptTermination> WaitAsync(Task running, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
        try
        {
            await running.WaitAsync(linked.Token);
            return ScriptTermination.Exited;
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            return ct.IsCancellationRequested ? ScriptTermination.Cancelled : ScriptTermination.TimedOut;
        }
        catch (Exception e) when (e is HostUnreachableException or HostKeyRejectedException)
        {
            return ScriptTermination.Exited; // The run's own outcome, read from `running` next.
        }
    }

    /// <summary>Kills the script's session on the server; gives up on the run if the server does not answer in time.</summary>
    private async Task StopRunAsync(DeploymentRequest request, string attempt, Task running, CancellationTokenSource abandon)
    {
        if (!connection.HasSession)
        {
            // Still connecting (a host that does not answer): a stop would wait for the same connection. Should the run
            // have gone out meanwhile, its record makes the next action of the deployment stop it first.
            await abandon.CancelAsync();
            return;
        }

        using var bounded = new CancellationTokenSource(StopWait, time);
        try
        {
            await connection.RequestAsync("stop", [request.DeploymentId, $"{request.Action}.{attempt}"], ReadOnlyMemory<byte>.Empty, bounded.Token);
            await running.WaitAsync(bounded.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HostUnreachableException or HostKeyRejectedException)
        {
            await abandon.CancelAsync();
        }
    }

    /// <summary>A request other than a run, bounded by <see cref="SshOptions.AnswerWait"/>.</summary>
    /// <exception cref="HostUnreachableException">The host did not answer in time (or could not be reached).</exception>
    private async Task<SshCommandResult> AskAsync(string verb, IReadOnlyList<string> words, CancellationToken ct)
    {
        using var bound = new CancellationTokenSource(options.AnswerWait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, bound.Token);
        try
        {
            return await connection.RequestAsync(verb, words, ReadOnlyMemory<byte>.Empty, linked.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new HostUnreachableException(string.Create(CultureInfo.InvariantCulture,
                $"{connection.Target.Description} did not answer Hearth's '{verb}' within {options.AnswerWait.TotalSeconds:0} s: its dispatcher is stuck (a hung filesystem under the user's home?), or the connection is"));
        }
    }

    private async Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, long started, CancellationToken ct)
    {
        var reply = await AskAsync("stop", [deploymentId, "*"], ct);
        return Leftover([.. Lines(reply.Stdout)], started);
    }

    /// <summary>What the stop of leftovers found ("stopped|alive PID ACTION" lines), as LOCAL reports it; null when none.</summary>
    private DeploymentResult? Leftover(IReadOnlyList<string> lines, long started)
    {
        var found = lines.Select(Describe).OfType<(bool Stopped, string Text)>().ToList();
        if (found.Count == 0)
        {
            return null;
        }

        var text = string.Join("; ", found.Select(f => f.Text));
        return found.All(f => f.Stopped)
            ? DeploymentResult.NotRun(DeploymentStatus.Complete, $"Stopped {text}", Elapsed(started))
            : DeploymentResult.NotRun(DeploymentStatus.Failed, $"Could not stop {text}: it outlived SIGKILL; nothing was run beside it", Elapsed(started));
    }

    /// <summary>"stopped PID ACTION" / "alive PID ACTION" as a sentence.</summary>
    private (bool Stopped, string Text)? Describe(string line) =>
        line.Split(' ') is [var state and ("stopped" or "alive"), var pid, var action]
            ? (state == "stopped", $"the {action} script left running by an interrupted operation (pid {pid} on {connection.Target.Description})")
            : null;

    /// <summary>
    /// Why this engine could not reach the host, when this state folder never reached it either: nothing of it can be
    /// there, and undoing it need not try (and wait) again.
    /// </summary>
    private Exception? NeverReachable() => connection.Unreachable is { } failure && !folder.Reached(connection.Target) ? failure : null;

    /// <summary>
    /// Why a DELETE completes without its host: this state folder never reached the host (no connection to it ever
    /// succeeded, and every request waits for one), so no action of the deployment ran there and nothing is left to undo.
    /// </summary>
    private string NeverReached(Exception e) =>
        $"Nothing to undo on {connection.Target.Description}: no action of this deployment ran there, as Hearth never reached it ({e.Message})";

    private static string Stopped(ScriptTermination termination, TimeSpan timeout) =>
        termination == ScriptTermination.Cancelled ? "Deployment cancelled." : $"Deployment timed out after {ScriptResults.FormatSeconds(timeout)}";

    private static IEnumerable<string> Lines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private TimeSpan Elapsed(long started) => time.GetElapsedTime(started);
}
