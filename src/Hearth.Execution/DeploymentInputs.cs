using System.Collections.Immutable;

namespace Hearth.Execution;

/// <summary>
/// Builds the inputs of a derived config the way Heat's SoftwareDeployment does (software_deployment.py
/// <c>_build_derived_inputs</c>), minus the signal-transport inputs, which Hearth does not use.
/// </summary>
public static class DeploymentInputs
{
    public const string DeployServerId = "deploy_server_id";
    public const string DeployAction = "deploy_action";
    public const string DeployStackId = "deploy_stack_id";
    public const string DeployResourceName = "deploy_resource_name";

    /// <summary>
    /// The full input list, in Heat's order: (1) each declared input, valued from <paramref name="inputValues"/> when
    /// the key is present (even with a null value), else its default; (2) each remaining <paramref name="inputValues"/>
    /// key, as a String input, in the map's order; (3) <c>deploy_server_id</c>, <c>deploy_action</c>,
    /// <c>deploy_stack_id</c> (<c>stack_name/stack_id</c>) and <c>deploy_resource_name</c>.
    /// </summary>
    public static ImmutableArray<DeploymentInput> Build(
        IEnumerable<DeploymentInputDeclaration> declared,
        IReadOnlyDictionary<string, object?>? inputValues,
        string serverId,
        string action,
        string stackId,
        string resourceName)
    {
        var builder = ImmutableArray.CreateBuilder<DeploymentInput>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaration in declared)
        {
            object? value = declaration.Default;
            if (inputValues is not null && inputValues.TryGetValue(declaration.Name, out var given))
            {
                value = given;
                used.Add(declaration.Name);
            }

            builder.Add(new DeploymentInput(declaration.Name, declaration.Type, value));
        }

        if (inputValues is not null)
        {
            foreach (var (name, value) in inputValues)
            {
                if (!used.Contains(name))
                {
                    builder.Add(new DeploymentInput(name, DeploymentValueType.String, value));
                }
            }
        }

        builder.Add(new DeploymentInput(DeployServerId, DeploymentValueType.String, serverId));
        builder.Add(new DeploymentInput(DeployAction, DeploymentValueType.String, action));
        builder.Add(new DeploymentInput(DeployStackId, DeploymentValueType.String, stackId));
        builder.Add(new DeploymentInput(DeployResourceName, DeploymentValueType.String, resourceName));
        return builder.ToImmutable();
    }
}
