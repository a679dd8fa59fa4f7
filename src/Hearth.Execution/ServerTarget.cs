namespace Hearth.Execution;

/// <summary>
/// A server as deployments reach it: its name (for messages), its <c>software_config_transport</c>, and its properties,
/// from which the transport reads its own settings (SSH reads <c>ssh</c>).
/// </summary>
public sealed record ServerTarget(string Name, string Transport, IReadOnlyDictionary<string, object?> Properties);

/// <summary>
/// Gives the transport for the servers of one <c>software_config_transport</c> value: the local transport for every
/// LOCAL server, a connection per host for SSH.
/// </summary>
public interface ITransportProvider
{
    /// <summary>The transport for <paramref name="server"/>.</summary>
    /// <exception cref="TransportUnavailableException">The server's settings do not let this transport reach it.</exception>
    IDeploymentTransport For(ServerTarget server);

    /// <summary><see cref="IDeploymentTransport.StopOrphansAsync"/> on every server this provider has run deployments on.</summary>
    Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct);

    /// <summary>
    /// An operation is about to use <paramref name="server"/>: the provider may start getting ready to reach it (open the
    /// connection) in the background, so that its first deployment does not wait for that. Returns at once; what fails
    /// is left for the first deployment to meet and report.
    /// </summary>
    void Prepare(ServerTarget server);
}

/// <summary>A server's transport cannot be used: not available in this build, or its settings are incomplete.</summary>
public sealed class TransportUnavailableException(string message) : Exception(message);
