using System.Collections.Immutable;
using Hearth.Execution.Ssh;
using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schema of OS::Heat::DeployedServer (deployed_server.py): a server that already exists, to which deployments
/// deliver configs. Hearth keeps Heat's properties and adds its own transports and connection settings (marked
/// "Hearth extension" below).
/// </summary>
public static class DeployedServerSchema
{
    /// <summary>Heat's transports; Hearth accepts them so Heat templates validate, but runs only its own.</summary>
    public static ImmutableArray<string> HeatTransports { get; } = ["POLL_SERVER_CFN", "POLL_SERVER_HEAT", "POLL_TEMP_URL", "ZAQAR_MESSAGE"];

    /// <summary>Hearth extension: run on the engine's own host.</summary>
    public const string LocalTransport = "LOCAL";

    /// <summary>Hearth extension: run over SSH using the <c>ssh</c> property.</summary>
    public const string SshTransport = "SSH";

    /// <summary>Hearth extension: a <c>hearth agent</c> on the server pulls its deployments.</summary>
    public const string AgentTransport = "AGENT";

    /// <summary>Hearth's transports.</summary>
    public static ImmutableArray<string> HearthTransports { get; } = [LocalTransport, SshTransport, AgentTransport];

    /// <summary>The SSH port when <c>ssh.port</c> is not given.</summary>
    public const long DefaultSshPort = 22;

    /// <summary>
    /// A check of an <c>ssh</c> setting that holds only when the server's transport is SSH: with another one (LOCAL) the
    /// settings are not used, and a stack made before the check keeps updating.
    /// </summary>
    private static ImmutableArray<PropertyConstraint> OverSsh(Func<string, string?> problem) =>
        Checked((value, resource) => value is string { Length: > 0 } text && resource.GetValueOrDefault("software_config_transport") is SshTransport ? problem(text) : null);

    /// <summary>OS::Heat::DeployedServer.</summary>
    public static ResourceTypeSchema Schema { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.DeployedServer,
        [
            Prop("name", PropertyType.String, "The server's name.", updateAllowed: true),
            // Deprecated and ignored by Heat since 9.0.0, still accepted.
            Prop("metadata", PropertyType.Map, "Deprecated and ignored: key/value metadata for the server.", updateAllowed: true),
            // Hearth extension: Heat's values plus LOCAL, SSH and AGENT, and the default is LOCAL (Heat's is
            // [DEFAULT] default_software_config_transport, POLL_SERVER_CFN).
            Prop("software_config_transport", PropertyType.String, "How the server receives its deployments.",
                defaultValue: LocalTransport, updateAllowed: true,
                constraints: AllowedValues([.. HeatTransports, .. HearthTransports])),
            Prop("deployment_swift_data", PropertyType.Map, "The Swift container and object for POLL_TEMP_URL deployment data.",
                defaultValue: MapOf(), updateAllowed: true,
                schema: Keys(
                    Prop("container", PropertyType.String, "The container name.", constraints: Length(min: 1)),
                    Prop("object", PropertyType.String, "The object name.", constraints: Length(min: 1)))),
            // Hearth extension: how the SSH transport reaches the server. Updated in place when only how Hearth connects
            // changes (key_file, known_host_key); a new host, port or user moves the server, which DeployedServerHandler
            // then replaces, and with it every deployment on it.
            Prop("ssh", PropertyType.Map, "Hearth: how to reach the server with the SSH transport.",
                updateAllowed: true,
                schema: Keys(
                    Prop("host", PropertyType.String, "The host name or address.",
                        constraints: OverSsh(SshTarget.HostProblem)),
                    Prop("port", PropertyType.Integer, "The SSH port.", defaultValue: DefaultSshPort, constraints: Range(1, 65535)),
                    Prop("user", PropertyType.String, "The user to log in as."),
                    Prop("key_file", PropertyType.String, "The private key file to authenticate with.",
                        constraints: OverSsh(file => SshTarget.IsRelative(file) ? SshTarget.RelativeKeyFile(file) : null)),
                    Prop("known_host_key", PropertyType.String, "The server's expected host key (as in known_hosts).",
                        constraints: OverSsh(key => SshTarget.HostKeyProblem(key.Trim()) is { } problem ? $"the value {problem}" : null)))),
            // Hearth extension: how many deployments may run on this server at once.
            Prop("max_concurrent_deployments", PropertyType.Integer, "Hearth: the most deployments to run on this server at once.",
                defaultValue: 1L, updateAllowed: true, constraints: Range(min: 1)),
        ],
        [
            Attr("name", "The server's name."),
            Attr("os_collect_config", "The os-collect-config settings for an agent on the server."),
        ]);
}
