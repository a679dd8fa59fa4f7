using System.Collections.Frozen;

namespace Hearth.Execution;

/// <summary>
/// Picks the transport of a server by its <c>software_config_transport</c> (LOCAL, SSH, AGENT): the one place that
/// knows which transports exist, so a new one is a provider registered here and the deployment handler stays as it is.
/// </summary>
public sealed class DeploymentTransports
{
    private readonly FrozenDictionary<string, ITransportProvider> _providers;

    public DeploymentTransports(IReadOnlyDictionary<string, ITransportProvider> providers)
    {
        _providers = providers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Only LOCAL, run by <paramref name="local"/>.</summary>
    public static DeploymentTransports LocalOnly(IDeploymentTransport local) =>
        new(new Dictionary<string, ITransportProvider> { [Local] = Single(local) });

    /// <summary>A provider that gives <paramref name="transport"/> for every server (LOCAL: they are all this machine).</summary>
    public static ITransportProvider Single(IDeploymentTransport transport) => new SingleTransport(transport);

    /// <summary>The transport name of the engine's own host.</summary>
    public const string Local = "LOCAL";

    /// <summary>The transport for <paramref name="server"/>.</summary>
    /// <exception cref="TransportUnavailableException">No provider for its transport, or its settings are incomplete.</exception>
    public IDeploymentTransport For(ServerTarget server) =>
        _providers.TryGetValue(server.Transport, out var provider)
            ? provider.For(server)
            : throw new TransportUnavailableException(
                $"server '{server.Name}' uses the {server.Transport} transport, which this version of Hearth cannot run; use one of {string.Join(", ", _providers.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>
    /// Lets the transport of <paramref name="server"/> get ready to reach it in the background (see
    /// <see cref="ITransportProvider.Prepare"/>); nothing when the server's transport or settings are unusable, which its
    /// deployments report.
    /// </summary>
    public void Prepare(ServerTarget server)
    {
        if (_providers.TryGetValue(server.Transport, out var provider))
        {
            try
            {
                provider.Prepare(server);
            }
            catch (TransportUnavailableException)
            {
                // Incomplete settings: the server's create (or its first deployment) says so.
            }
        }
    }

    /// <summary>Whether <paramref name="transport"/> can run deployments here.</summary>
    public bool Supports(string transport) => _providers.ContainsKey(transport);

    /// <summary>Stops what dead engines left running on every server any provider reached (see <see cref="IDeploymentTransport.StopOrphansAsync"/>).</summary>
    public async Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct)
    {
        var stopped = new List<string>();
        foreach (var provider in _providers.Values.Distinct())
        {
            stopped.AddRange(await provider.StopOrphansAsync(ct));
        }

        return stopped;
    }

    private sealed class SingleTransport(IDeploymentTransport transport) : ITransportProvider
    {
        public IDeploymentTransport For(ServerTarget server) => transport;

        public Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct) => transport.StopOrphansAsync(ct);

        public void Prepare(ServerTarget server)
        {
            // One transport for every server, always ready.
        }
    }
}
