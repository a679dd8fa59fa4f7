using System.Runtime.Versioning;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Local;

/// <summary>
/// Runs deployments on this machine, as the engine's user: the heat-config script contract for the script groups
/// (<see cref="ConfigGroups.IsScript"/>), the hook of a group that has one (<see cref="ConfigHooks"/>: docker-cmd) through
/// a <see cref="LocalCommandHost"/>, a component's entry for the action. See docs/execution.md.
/// </summary>
/// <remarks>
/// Linux only (it relies on posix_spawn with POSIX_SPAWN_SETSID, /proc and process groups); it throws on Windows. It owns
/// the <see cref="ChildMonitor"/> that reads and reaps every program it starts; disposing it lets that thread end once
/// they are done.
/// </remarks>
public sealed class LocalTransport : IDeploymentTransport, IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly ChildMonitor _monitor;
    private readonly LocalScriptRunner _scripts;
    private readonly LocalCommandHost _commands;

    public LocalTransport(LocalTransportOptions options, TimeProvider timeProvider)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        _timeProvider = timeProvider;
        _monitor = new ChildMonitor();
        _scripts = new LocalScriptRunner(options, _monitor, timeProvider);
        _commands = new LocalCommandHost(_monitor, timeProvider)
        {
            MaxCapturedBytes = options.MaxCapturedBytes,
            BaseEnvironment = options.Environment ?? EngineEnvironment.Variables,
        };
    }

    public LocalTransport(LocalTransportOptions options)
        : this(options, TimeProvider.System)
    {
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            _monitor.Dispose();
        }
    }

    /// <summary>The working folder of a deployment: <c>&lt;state root&gt;/deployments/&lt;deployment id&gt;</c>.</summary>
    public string WorkingFolder(string deploymentId) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : _scripts.WorkingFolder(deploymentId);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The deployment id is not a plain file name, or the action is unknown.</exception>
    public async Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        var started = _timeProvider.GetTimestamp();
        RequestChecks.Validate(request);
        // Before anything touches the working folder, whatever runs the action: a script a dead engine left there must
        // not run beside this action (or after it, undoing it).
        var leftover = await StopLeftoverAsync(request.DeploymentId, started);
        if (leftover is { Status: not DeploymentStatus.Complete })
        {
            return leftover;
        }

        if (ct.IsCancellationRequested)
        {
            return RequestChecks.WithNote(DeploymentResult.NotRun(DeploymentStatus.Cancelled, "Deployment cancelled.", _timeProvider.GetElapsedTime(started)), leftover);
        }

        var result = ConfigGroups.Select(request.Group, request.Config, request.Action) switch
        {
            ConfigSelection.Run run when ConfigHooks.Find(run.Group, _timeProvider) is { } hook => await hook.RunAsync(_commands, request, run.Config, ct),
            ConfigSelection.Run run => await _scripts.RunAsync(request, run.Config, started, ct),
            ConfigSelection.NotRun notRun => DeploymentResult.NotRun(notRun.Status, notRun.Reason, _timeProvider.GetElapsedTime(started)),
            _ => throw new InvalidOperationException("unreachable"),
        };
        return RequestChecks.WithNote(result, leftover);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The deployment id is not a plain file name.</exception>
    public Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        RequestChecks.ValidateId(deploymentId, nameof(deploymentId));
        return StopLeftoverAsync(deploymentId, _timeProvider.GetTimestamp());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        var stopped = await RunningScriptRecord.StopOrphansAsync(_scripts.DeploymentsFolder, _timeProvider);
        return [.. stopped.Select(leftover => leftover.Stopped ? leftover.Description : "(still running) " + leftover.Description)];
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The deployment id is not a plain file name.</exception>
    public Task RemoveAsync(string deploymentId, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        RequestChecks.ValidateId(deploymentId, nameof(deploymentId));
        try
        {
            Directory.Delete(_scripts.WorkingFolder(deploymentId), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // It never ran here, or an earlier delete removed it.
        }

        return Task.CompletedTask;
    }

    [UnsupportedOSPlatform("windows")]
    private async Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, long started)
    {
        // Not cancellable: once killed, the leftover is waited for (bounded) so that nothing runs beside it.
        var leftover = await RunningScriptRecord.StopLeftoverAsync(_scripts.WorkingFolder(deploymentId), _timeProvider);
        return leftover switch
        {
            null => null,
            { Stopped: true } => DeploymentResult.NotRun(DeploymentStatus.Complete, $"Stopped {leftover.Description}", _timeProvider.GetElapsedTime(started)),
            _ => DeploymentResult.NotRun(
                DeploymentStatus.Failed,
                $"Could not stop {leftover.Description}: it outlived SIGKILL; nothing was run beside it",
                _timeProvider.GetElapsedTime(started)),
        };
    }
}
