using System.Collections.Immutable;
using Hearth.Execution.Ssh;
using Hearth.Testing.Sshd;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>A state folder of its own per test and an SSH transport provider over it, reaching the shared sshd hosts.</summary>
[Collection(SshHostsCollection.Name)]
public abstract class SshTransportFixture : IAsyncLifetime
{
    private readonly TempDirectory _state = new("hearth-ssh-state-");
    private readonly List<string> _ownRoots = [];

    protected SshTransportFixture(SshHosts hosts)
    {
        Hosts = hosts;
        Transports = new SshTransports(Options, TimeProvider.System);
    }

    protected SshHosts Hosts { get; }

    protected string StateRoot => _state.Path;

    protected virtual SshOptions Options => new(_state.Path) { RetryBackoff = TimeSpan.FromMilliseconds(50), ConnectTimeout = TimeSpan.FromSeconds(3) };

    protected SshTransports Transports { get; set; }

    /// <summary>Each deployment id once per test run: every host is this machine, with one home folder for the test user.</summary>
    protected string DeploymentId { get; } = "d-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The working folder of <see cref="DeploymentId"/> on the hosts.</summary>
    protected string RemoteFolder => Path.Combine(Hosts.UserHome, ".hearth", "deployments", DeploymentId);

    protected static ServerTarget Server(SshHost host, string? user = SshHosts.User, string? keyFile = null, string? knownHostKey = null, string name = "server") =>
        new(name, "SSH", new Dictionary<string, object?>
        {
            ["ssh"] = new Dictionary<string, object?>
            {
                ["host"] = host.Address,
                ["port"] = (long)host.Port,
                ["user"] = user,
                ["key_file"] = keyFile,
                ["known_host_key"] = knownHostKey ?? host.HostKey,
            },
        });

    protected ServerTarget Server(int index) => Server(Hosts.Hosts[index], keyFile: Hosts.KeyFile);

    protected IDeploymentTransport Transport(int index = 0) => Transports.For(Server(index));

    protected DeploymentRequest Request(
        string config,
        IEnumerable<DeploymentInput>? inputs = null,
        IEnumerable<DeploymentOutputDeclaration>? outputs = null,
        string action = "CREATE",
        TimeSpan? timeout = null,
        string? deploymentId = null) =>
        new(
            deploymentId ?? DeploymentId,
            "server-1",
            action,
            "script",
            config,
            (inputs ?? []).ToImmutableArray(),
            (outputs ?? []).ToImmutableArray(),
            ImmutableDictionary<string, object?>.Empty,
            timeout ?? TestTimeouts.Default);

    /// <summary>
    /// Moves <see cref="Transports"/> to a remote root of this test's own, removed when the test ends: what the hosts
    /// have there (dispatcher sessions, run records), this test alone put there.
    /// </summary>
    /// <returns>The root's folder on the hosts.</returns>
    protected async Task<string> UseOwnRemoteRootAsync(string name)
    {
        var root = $".hearth/{name}-{DeploymentId}";
        await Transports.DisposeAsync();
        Transports = new SshTransports(Options with { RemoteRoot = root }, TimeProvider.System);
        var folder = Path.Combine(Hosts.UserHome, root);
        _ownRoots.Add(folder);
        return folder;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Transports.CloseConnectionsAsync();
        foreach (var folder in _ownRoots.Append(RemoteFolder).Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        _state.Dispose();
    }
}
