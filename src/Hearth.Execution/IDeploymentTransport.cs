namespace Hearth.Execution;

/// <summary>
/// Runs a deployment on a server and reports what happened. Implementations: <see cref="Local.LocalTransport"/> (this
/// machine); SSH and the pull agent come later. A transport never throws for a failure of the config itself
/// (non-zero exit, timeout, cancellation, unknown group): those are results. It throws only for a malformed request
/// (a programming error in the caller).
/// </summary>
public interface IDeploymentTransport
{
    /// <summary>
    /// Runs <paramref name="request"/>. Cancelling <paramref name="ct"/> kills what runs and returns a
    /// <see cref="DeploymentStatus.Cancelled"/> result (it does not throw).
    /// </summary>
    Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct);
}
