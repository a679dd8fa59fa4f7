using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Execution;
using Hearth.Execution.Ssh;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources.Software;

/// <summary>
/// OS::Heat::DeployedServer: a server that exists already. Creating it records how deployments reach it
/// (<c>software_config_transport</c>: LOCAL, this machine; SSH, a host reached with the <c>ssh</c> property; AGENT
/// comes with its transport) and how many
/// may run on it at once. Its physical id is what deployments name in their <c>server</c> property.
/// </summary>
internal sealed class DeployedServerHandler(DeploymentServices? services) : ResourceHandler
{
    public override ResourceTypeSchema Schema => DeployedServerSchema.Schema;

    /// <summary>
    /// It records how deployments reach the server. Its transport may start connecting in the background (see
    /// <see cref="OperationStarting"/>), but the resource's outcome never depends on that: its first deployment
    /// connects, or says why it could not.
    /// </summary>
    public override bool IsStoreOnly => true;

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var server = Checked(request);
        services?.Transports.Prepare(server);
        var name = request.Properties.GetValueOrDefault("name") as string is { Length: > 0 } given ? given : request.PhysicalName;
        return Task.FromResult(ResourceResult.Of(Guid.NewGuid().ToString(), [new("name", name), new("os_collect_config", null)]));
    }

    public override Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        var server = Checked(request);
        services?.Transports.Prepare(server);
        var name = request.Properties.GetValueOrDefault("name") as string is { Length: > 0 } given ? given : request.PhysicalName;
        return Task.FromResult(ResourceResult.Of(current.PhysicalId, [new("name", name), new("os_collect_config", null)]));
    }

    /// <summary>
    /// A server that moves is replaced, and with it every deployment on it: where a deployment's folder and what its
    /// scripts started live is the transport and, over SSH, the host, port and user (whose home holds the folders), so a
    /// change of any of them creates the deployments where the server is now and then deletes them where it was (the
    /// replaced server keeps the old address for that). The rest changes how Hearth reaches the same place (the key
    /// file, the host key, how many deployments run at once, the name) and updates in place.
    /// </summary>
    public override bool NeedsReplace(ResourceState current, IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) =>
        Location(current.Properties) != Location(newProperties) || base.NeedsReplace(current, changed, newProperties);

    /// <summary>
    /// An operation on the stack starts: the server's transport starts connecting, so that the deployments the
    /// operation runs there (or deletes) find the connection ready instead of each level of the graph waiting for it.
    /// </summary>
    internal override void OperationStarting(Func<ResourceState> current)
    {
        if (services is not null && current() is { PhysicalId: not null } server)
        {
            services.Transports.Prepare(Target(server));
        }
    }

    /// <summary>The server as its transport sees it.</summary>
    public static ServerTarget Target(ResourceState server) => new(server.Name, Transport(server.Properties), server.Properties);

    /// <summary>The transport deployments to this server use.</summary>
    public static string Transport(IReadOnlyDictionary<string, object?> properties) =>
        properties.GetValueOrDefault("software_config_transport") as string ?? "LOCAL";

    public static int MaxConcurrentDeployments(IReadOnlyDictionary<string, object?> properties) =>
        properties.GetValueOrDefault("max_concurrent_deployments") is long n && n > 0 ? (int)n : 1;

    /// <summary>Where the server's deployments live: its transport and, over SSH, the host, port and user.</summary>
    private static (string Transport, string? Host, long Port, string? User) Location(IReadOnlyDictionary<string, object?> properties)
    {
        var transport = Transport(properties);
        if (transport != DeployedServerSchema.SshTransport || properties.GetValueOrDefault(SshTarget.Property) is not IReadOnlyDictionary<string, object?> ssh)
        {
            return (transport, null, 0, null);
        }

        return (transport, ssh.GetValueOrDefault("host") as string, ssh.GetValueOrDefault("port") as long? ?? DeployedServerSchema.DefaultSshPort,
            ssh.GetValueOrDefault("user") as string is { Length: > 0 } user ? user : null);
    }

    /// <summary>The server the request describes, once its transport and settings are known to be usable.</summary>
    private static ServerTarget Checked(ResourceRequest request)
    {
        var transport = Transport(request.Properties);
        var server = new ServerTarget(request.Name, transport, request.Properties);
        if (transport is not (DeployedServerSchema.LocalTransport or DeployedServerSchema.SshTransport))
        {
            throw new ResourceFailedException(
                $"server '{request.Name}': software_config_transport {transport} is not available in this version of Hearth; use LOCAL (deployments run on this machine) or SSH");
        }

        if (transport == DeployedServerSchema.SshTransport)
        {
            try
            {
                // Said at the server's create, not at its first deployment's.
                _ = SshTarget.From(server);
                if ((request.Properties.GetValueOrDefault(SshTarget.Property) as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault("key_file") is string keyFile
                    && SshTarget.IsRelative(keyFile))
                {
                    throw new ResourceFailedException($"server '{request.Name}': {SshTarget.RelativeKeyFile(keyFile)}");
                }
            }
            catch (TransportUnavailableException e)
            {
                throw new ResourceFailedException(e.Message);
            }
        }

        return server;
    }
}
