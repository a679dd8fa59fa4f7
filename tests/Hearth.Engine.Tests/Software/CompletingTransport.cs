using System.Collections.Immutable;
using Hearth.Execution;

namespace Hearth.Engine.Tests.Software;

/// <summary>Runs nothing: every deployment completes at once, after <paramref name="seen"/> has been shown its request.</summary>
internal sealed class CompletingTransport(Action<DeploymentRequest> seen) : IDeploymentTransport
{
    public Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct)
    {
        seen(request);
        return Task.FromResult(new DeploymentResult(DeploymentStatus.Complete, 0, "", "", ImmutableDictionary<string, object?>.Empty, "Outputs received", TimeSpan.Zero));
    }

    public Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct) => Task.FromResult<DeploymentResult?>(null);

    public Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task RemoveAsync(string deploymentId, CancellationToken ct) => Task.CompletedTask;
}
