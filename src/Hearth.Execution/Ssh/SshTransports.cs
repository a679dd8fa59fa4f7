using System.Collections.Concurrent;
using System.Runtime.Versioning;

namespace Hearth.Execution.Ssh;

/// <summary>
/// The SSH transport's provider: one connection (and transport) per distinct target, a shared bound on connections
/// being opened, and the hosts deployments ran on remembered under the state folder for crash recovery.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SshTransports : ITransportProvider, IAsyncDisposable
{
    private readonly SshOptions _options;
    private readonly TimeProvider _time;
    private readonly SshFolder _folder;
    private readonly SemaphoreSlim _opening;
    private readonly SshClientStarts _starts = new();
    private readonly ConcurrentDictionary<SshTarget, Lazy<(SshConnection Connection, SshTransport Transport)>> _hosts = new();
    private readonly SshBrokerConnector? _broker;
    private readonly Lazy<bool> _prepared;

    public SshTransports(SshOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _folder = new SshFolder(options.StateRoot);
        _opening = new SemaphoreSlim(options.MaxConnectionsOpening);
        _broker = options.Broker is { } broker ? new SshBrokerConnector(_folder.BrokerSocket, broker, _folder.BrokerLog, time) : null;
        _prepared = new Lazy<bool>(() =>
        {
            _folder.Prepare();
            return true;
        });
    }

    /// <summary>The transport name on OS::Heat::DeployedServer.</summary>
    public const string Name = "SSH";

    /// <summary>Hearth's known_hosts file (for targets without <c>known_host_key</c>).</summary>
    public string KnownHostsFile => _folder.KnownHosts;

    public IDeploymentTransport For(ServerTarget server) => Get(SshTarget.From(server)).Transport;

    /// <summary>Starts the server's dispatcher session in the background, unless it runs (see <see cref="SshConnection.Prepare"/>).</summary>
    public void Prepare(ServerTarget server) => Get(SshTarget.From(server)).Connection.Prepare();

    /// <summary>A command host on the server, over the same shared connection as its deployments.</summary>
    public Hosts.ICommandHost CommandHost(ServerTarget server) => new SshCommandHost(Get(SshTarget.From(server)).Connection);

    public async Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct)
    {
        var stopped = new List<string>();
        foreach (var target in _folder.Remembered())
        {
            stopped.AddRange(await Get(target).Transport.StopOrphansAsync(ct));
        }

        return stopped;
    }

    /// <summary>
    /// Ends this engine's use of the hosts: their dispatcher sessions go back to the broker for the next engine (or end,
    /// without one); the shared connections stay open until ControlPersist runs out.
    /// </summary>
    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_hosts.Values.Where(h => h.IsValueCreated).Select(h => h.Value.Connection.ReleaseAsync()));

    /// <summary>Ends the sessions and closes every shared connection this provider opened (ssh -O exit).</summary>
    public async Task CloseConnectionsAsync()
    {
        foreach (var host in _hosts.Values.Where(h => h.IsValueCreated))
        {
            await host.Value.Connection.CloseAsync();
        }
    }

    private (SshConnection Connection, SshTransport Transport) Get(SshTarget target)
    {
        _ = _prepared.Value;
        return _hosts.GetOrAdd(target, t => new(() =>
        {
            var connection = new SshConnection(t, _options, _folder, _opening, _starts, _broker, _time);
            return (connection, new SshTransport(connection, _folder, _options, _time));
        })).Value;
    }
}
