using System.Collections.Immutable;

namespace Hearth.Execution;

/// <summary>
/// One run of a config on a server, handed to an <see cref="IDeploymentTransport"/>: what Heat calls the derived
/// config of a deployment for one action.
/// </summary>
/// <param name="DeploymentId">
/// Stable id of the deployment (the same for every action of one deployment resource); names its working folder on
/// the server, so it must be a plain file name: letters, digits, <c>-</c>, <c>_</c>, <c>.</c> (a UUID fits).
/// </param>
/// <param name="ServerId">The server the config runs on (the transport was chosen for it).</param>
/// <param name="Action">One of <see cref="DeploymentActions"/>.</param>
/// <param name="Group">The config group: <c>script</c>, <c>ungrouped</c>, <c>Heat::Ungrouped</c>, <c>component</c> (see <see cref="ConfigGroups"/>).</param>
/// <param name="Config">The script text; for <c>component</c> the JSON document <c>{"configs": [...]}</c>.</param>
/// <param name="Inputs">Every input with its value, derived inputs included (<see cref="DeploymentInputs.Build"/>).</param>
/// <param name="Outputs">The declared outputs.</param>
/// <param name="Options">The config's options (group-specific; the script group uses none).</param>
/// <param name="Timeout">How long the run may take; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no limit.</param>
public sealed record DeploymentRequest(
    string DeploymentId,
    string ServerId,
    string Action,
    string Group,
    string Config,
    ImmutableArray<DeploymentInput> Inputs,
    ImmutableArray<DeploymentOutputDeclaration> Outputs,
    ImmutableDictionary<string, object?> Options,
    TimeSpan Timeout);
