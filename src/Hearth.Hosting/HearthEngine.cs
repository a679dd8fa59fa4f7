using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.Engine.Resources.Software;
using Hearth.Execution;
using Hearth.Execution.Local;
using Hearth.Execution.Ssh;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Model;
using Hearth.Templates.Syntax;

namespace Hearth.Hosting;

/// <summary>
/// The engine over a state folder, as both hosts build it: the store, the resource types with their transports (and the
/// local one's script monitor), the template caches and the API tokens, owned together and closed together. The <c>hearth</c> command opens one per
/// command; <c>hearth server</c> opens one for its lifetime and serves every stack from it.
/// </summary>
public sealed class HearthEngine : IAsyncDisposable
{
    private readonly SqliteStateStore _store;
    private readonly LocalTransport _local;
    private readonly IAsyncDisposable? _ssh;

    private HearthEngine(SqliteStateStore store, LocalTransport local, IAsyncDisposable? ssh, StackEngine engine, TemplateCache templates, TimeProvider time, string? knownHosts)
    {
        _store = store;
        _local = local;
        _ssh = ssh;
        KnownHostsFile = knownHosts;
        Engine = engine;
        Templates = templates;
        Tokens = new ApiTokens(store, time);
    }

    public StackEngine Engine { get; }

    /// <summary>The templates read lately, for what the host reads itself before handing it to the engine (a request's template).</summary>
    public TemplateCache Templates { get; }

    public IStateStore Store => _store;

    public ApiTokens Tokens { get; }

    /// <summary>The SSH transport's own known_hosts file (null where there is no SSH transport).</summary>
    public string? KnownHostsFile { get; }

    /// <summary>Opens (creating or migrating) the state in <see cref="EngineSettings.StateDirectory"/> and builds the engine over it.</summary>
    /// <exception cref="StateStoreException">The state cannot be opened; <see cref="StateUnusableException"/> when it is not usable at all.</exception>
    public static async Task<HearthEngine> OpenAsync(EngineSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var directory = settings.StateDirectory;
        var store = await SqliteStateStore.OpenAsync(directory, time, cancellationToken);
        // Deployments on this machine keep their working folders under the state folder; SSH keeps its known_hosts, its
        // connection sockets and the hosts it reached there.
        var local = new LocalTransport(new LocalTransportOptions(directory) { Environment = settings.ScriptEnvironment });
        var providers = new Dictionary<string, ITransportProvider> { [DeploymentTransports.Local] = DeploymentTransports.Single(local) };
        SshTransports? ssh = null;
        string? knownHosts = null;
        if (!OperatingSystem.IsWindows())
        {
            ssh = new SshTransports(new SshOptions(directory) { AcceptNewHostKeys = settings.AcceptNewHostKeys, Broker = settings.SshBroker }, time);
            providers[SshTransports.Name] = ssh;
            knownHosts = ssh.KnownHostsFile;
        }

        var deployments = new DeploymentServices(store, local, EngineSettings.DefaultDeploymentTimeout)
        {
            Transports = new DeploymentTransports(providers),
            StateDirectory = directory,
            HearthCommand = settings.HearthCommand,
        };
        // Stored templates are parsed once and kept beside the state: the next operation on the stack reads the snapshot.
        var options = new EngineOptions(settings.MaxParallel)
        {
            Documents = new DocumentCacheFolder(Path.Combine(directory, "parsed")),
            Templates = settings.Templates,
            StepRecorded = CrashTestHook.Create(System.Environment.GetEnvironmentVariable(CrashTestHook.Variable)),
        };
        var engine = new StackEngine(store, BuiltinHandlers.Create(time, deployments), time, options);
        return new HearthEngine(store, local, ssh, engine, settings.Templates, time, knownHosts);
    }

    public async ValueTask DisposeAsync()
    {
        // The hosts' dispatcher sessions go back to the state folder's broker, for the next command.
        if (_ssh is not null)
        {
            await _ssh.DisposeAsync();
        }

        // The script monitor's thread ends once the scripts it watches are reaped (a closed host starts none).
        _local.Dispose();
        await _store.DisposeAsync();
    }
}
