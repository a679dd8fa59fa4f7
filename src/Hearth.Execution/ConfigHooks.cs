using Hearth.Execution.Containers;
using Hearth.Execution.Hosts;

namespace Hearth.Execution;

/// <summary>
/// A config group that drives a tool on the server (docker-cmd drives podman): it says what to run and how to read the
/// result, through an <see cref="ICommandHost"/>, so every transport that offers one runs it unchanged.
/// </summary>
public interface IConfigHook
{
    /// <summary>Runs <paramref name="config"/> for <paramref name="request"/>'s action on <paramref name="host"/>; failures are results, as for a transport.</summary>
    Task<DeploymentResult> RunAsync(ICommandHost host, DeploymentRequest request, string config, CancellationToken ct);
}

/// <summary>The hooks of the groups that run through an <see cref="ICommandHost"/>.</summary>
public static class ConfigHooks
{
    /// <summary>The hook of <paramref name="group"/>; null for the script groups, which a transport runs itself.</summary>
    public static IConfigHook? Find(string group, TimeProvider timeProvider) =>
        group == ConfigGroups.DockerCmd ? new DockerCmdHook(timeProvider) : null;
}
