using System.Collections.Immutable;
using Hearth.Execution.Ssh;
using Hearth.Testing.Sshd;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>A state folder of its own per test and an SSH transport provider over it, reaching the shared sshd hosts.</summary>
[Collection(SshHostsCollection.Name)]
public abstract class SshTransportFixture : IAsyncLifetime
{
    private readonly TempDirectory _state = new("hearth-ssh-state-");

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

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Transports.CloseConnectionsAsync();
        if (Directory.Exists(RemoteFolder))
        {
            Directory.Delete(RemoteFolder, recursive: true);
        }

        _state.Dispose();
    }
}
