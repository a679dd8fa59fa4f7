namespace Hearth.Execution.Local;

/// <summary>
/// Runs deployments on this machine, as the engine's user: the heat-config script contract for the script groups
/// (<see cref="ConfigGroups.IsScript"/>), a component's entry for the action. See docs/execution.md.
/// </summary>
/// <remarks>Linux only (it relies on posix_spawn with POSIX_SPAWN_SETSID, /proc and process groups); it throws on Windows.</remarks>
public sealed class LocalTransport : IDeploymentTransport
{
    private readonly TimeProvider _timeProvider;
    private readonly LocalScriptRunner _scripts;

    public LocalTransport(LocalTransportOptions options, TimeProvider timeProvider)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local transport runs on Linux only");
        }

        _timeProvider = timeProvider;
        _scripts = new LocalScriptRunner(options, timeProvider);
    }

    public LocalTransport(LocalTransportOptions options)
        : this(options, TimeProvider.System)
    {
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
        Validate(request);
        if (ct.IsCancellationRequested)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Cancelled, "Deployment cancelled.", _timeProvider.GetElapsedTime(started));
        }

        return ConfigGroups.Select(request.Group, request.Config, request.Action) switch
        {
            ConfigSelection.Run run => await _scripts.RunAsync(request, run.Config, started, ct),
            ConfigSelection.NotRun notRun => DeploymentResult.NotRun(notRun.Status, notRun.Reason, _timeProvider.GetElapsedTime(started)),
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    internal static void Validate(DeploymentRequest request)
    {
        var id = request.DeploymentId;
        if (id.Length == 0 || id is "." or ".." || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"Deployment id '{id}' is not a plain file name (letters, digits, '-', '_', '.')", nameof(request));
        }

        if (!DeploymentActions.IsKnown(request.Action))
        {
            throw new ArgumentException($"Action '{request.Action}' is not one of {string.Join(", ", DeploymentActions.All)}", nameof(request));
        }

        if (request.Timeout <= TimeSpan.Zero && request.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Timeout {request.Timeout} is not positive", nameof(request));
        }
    }
}
