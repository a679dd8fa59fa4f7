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

    /// <summary>
    /// Stops a script that an interrupted operation (its engine died) left running for the deployment
    /// <paramref name="deploymentId"/>, and waits until it is gone. <see cref="DeployAsync"/> does this itself before it
    /// runs anything; the engine calls this when it settles an action without running one (an action not in the
    /// deployment's <c>actions</c>), so no leftover outlives the operation that undoes or redoes its work.
    /// </summary>
    /// <returns>
    /// Null when nothing was left running; a <see cref="DeploymentStatus.Complete"/> result whose reason says what was
    /// stopped; a <see cref="DeploymentStatus.Failed"/> one when it could not be stopped.
    /// </returns>
    Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct);

    /// <summary>
    /// Stops every script whose engine process is gone (it was killed mid-run), whatever deployment it ran for, and
    /// waits until each is gone. The engine calls this before a resume or cancel runs anything, so no leftover runs
    /// beside the work that redoes or undoes it, even in another working folder (a replacement's).
    /// </summary>
    /// <returns>What was stopped, each as "the ACTION script left running by an interrupted operation (pid N)".</returns>
    Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct);

    /// <summary>
    /// Forgets a deleted deployment: removes everything the transport keeps of it (its script, inputs and outputs, which
    /// may hold secrets). The engine calls this once the deployment's DELETE has settled; a later run starts afresh.
    /// </summary>
    Task RemoveAsync(string deploymentId, CancellationToken ct);
}
