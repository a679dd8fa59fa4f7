using System.Collections.Immutable;
using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schemas of Heat's deployments: OS::Heat::SoftwareDeployment, OS::Heat::StructuredDeployment and their groups
/// (software_deployment.py, structured_config.py). A deployment's attributes are <c>deploy_stdout</c>,
/// <c>deploy_stderr</c>, <c>deploy_status_code</c> and every output its config declares, so the schemas accept any
/// attribute name; a group's attributes are the <c>deploy_*s</c> maps and any member attribute (a map by member name).
/// </summary>
public static class SoftwareDeploymentSchemas
{
    /// <summary>The lifecycle actions a deployment may run for (ALLOWED_DEPLOY_ACTIONS).</summary>
    public static ImmutableArray<string> AllowedActions { get; } = ["CREATE", "UPDATE", "DELETE", "SUSPEND", "RESUME"];

    /// <summary>The actions a deployment runs for when <c>actions</c> is not given.</summary>
    public static ImmutableArray<string> DefaultActions { get; } = ["CREATE", "UPDATE"];

    /// <summary>Heat's signal transports for deployments.</summary>
    public static ImmutableArray<string> SignalTransports { get; } =
        ["CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL"];

    /// <summary>
    /// The default signal transport: Heat takes it from <c>[DEFAULT] default_deployment_signal_transport</c>, whose
    /// default is CFN_SIGNAL. Hearth's transports signal back on their own, so the value only reaches the config as
    /// the <c>deploy_signal_transport</c> input.
    /// </summary>
    public const string DefaultSignalTransport = "CFN_SIGNAL";

    private static readonly PropertySchema _config = Prop("config", PropertyType.String,
        "The id of the config to run on the server.", updateAllowed: true);

    private static readonly PropertySchema _server = Prop("server", PropertyType.String,
        "The id of the server to run the config on; a change replaces the deployment.", required: true);

    private static readonly PropertySchema _inputValues = Prop("input_values", PropertyType.Map,
        "Values for the config's inputs (keys the config does not declare become String inputs).", updateAllowed: true);

    private static readonly PropertySchema _actions = Prop("actions", PropertyType.List,
        "The lifecycle actions of this resource that run the config.",
        defaultValue: ListOf([.. DefaultActions]),
        updateAllowed: true,
        constraints: AllowedValues([.. AllowedActions]));

    private static readonly PropertySchema _name = Prop("name", PropertyType.String,
        "The name of the derived config; deployments on a server are ordered by it.", updateAllowed: true);

    private static readonly PropertySchema _signalTransport = Prop("signal_transport", PropertyType.String,
        "How the server signals the deployment's outputs back; a change replaces the deployment.",
        defaultValue: DefaultSignalTransport,
        constraints: AllowedValues([.. SignalTransports]));

    private static readonly PropertySchema _inputKey = Prop("input_key", PropertyType.String,
        "The key of the single-key maps in the structured config that are replaced by the named input's value.",
        defaultValue: "get_input");

    private static readonly PropertySchema _inputValuesValidate = Prop("input_values_validate", PropertyType.String,
        "LAX replaces a reference to a missing input with null; STRICT makes it an error.",
        defaultValue: "LAX",
        constraints: AllowedValues("LAX", "STRICT"));

    private static readonly PropertySchema _servers = Prop("servers", PropertyType.Map,
        "Member name to server id: one deployment per entry, named by its key.", required: true, updateAllowed: true);

    private static readonly ImmutableArray<AttributeSchema> _deploymentAttributes =
    [
        Attr("deploy_stdout", "The standard output of the config's run."),
        Attr("deploy_stderr", "The standard error of the config's run."),
        Attr("deploy_status_code", "The exit status of the config's run."),
    ];

    private static readonly ImmutableArray<AttributeSchema> _groupAttributes =
    [
        Attr("deploy_stdouts", "Member name to the standard output of its run."),
        Attr("deploy_stderrs", "Member name to the standard error of its run."),
        Attr("deploy_status_codes", "Member name to the exit status of its run."),
    ];

    /// <summary>
    /// A group's update policies: <c>rolling_update</c> and <c>batch_create</c>, both
    /// <c>{max_batch_size (&gt;= 1, default 1), pause_time (&gt;= 0, default 0)}</c>; there is no min_in_service.
    /// </summary>
    private static readonly ImmutableDictionary<string, PropertySchema> _groupUpdatePolicy = Keys(
        Prop(ResourceGroupSchema.RollingUpdate, PropertyType.Map, "Update the members in batches.",
            schema: ResourceGroupSchema.BatchPolicyKeys("deployments to replace")),
        Prop(ResourceGroupSchema.BatchCreate, PropertyType.Map, "Create the members in batches.",
            schema: ResourceGroupSchema.BatchPolicyKeys("deployments to create")));

    /// <summary>OS::Heat::SoftwareDeployment.</summary>
    public static ResourceTypeSchema SoftwareDeployment { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.SoftwareDeployment,
        [_config, _server, _inputValues, _actions, _name, _signalTransport],
        _deploymentAttributes,
        anyAttributes: true);

    /// <summary>OS::Heat::StructuredDeployment: a SoftwareDeployment that substitutes inputs into a structured config.</summary>
    public static ResourceTypeSchema StructuredDeployment { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.StructuredDeployment,
        [_config, _server, _inputValues, _actions, _name, _signalTransport, _inputKey, _inputValuesValidate],
        _deploymentAttributes,
        anyAttributes: true);

    /// <summary>OS::Heat::SoftwareDeploymentGroup: one SoftwareDeployment per entry of <c>servers</c>.</summary>
    public static ResourceTypeSchema SoftwareDeploymentGroup { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.SoftwareDeploymentGroup,
        [_servers, _config, _inputValues, _actions, _name, _signalTransport],
        _groupAttributes,
        anyAttributes: true) with
    { UpdatePolicy = _groupUpdatePolicy };

    /// <summary>OS::Heat::StructuredDeploymentGroup: one StructuredDeployment per entry of <c>servers</c>.</summary>
    public static ResourceTypeSchema StructuredDeploymentGroup { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.StructuredDeploymentGroup,
        [_servers, _config, _inputValues, _actions, _name, _signalTransport, _inputKey, _inputValuesValidate],
        _groupAttributes,
        anyAttributes: true) with
    { UpdatePolicy = _groupUpdatePolicy };
}
