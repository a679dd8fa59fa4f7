using Hearth.Engine;
using Hearth.Engine.Resources;
using Hearth.Engine.Resources.Software;
using Hearth.Execution;
using Hearth.Execution.Local;
using Hearth.Execution.Ssh;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Syntax;
using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>Opens the state store the user chose and builds the engine over it, once per command.</summary>
internal static class EngineHost
{
    /// <summary>
    /// The command that runs this hearth, shell-quoted, for commands handed to scripts: the native launcher beside
    /// hearth.dll when there is one (also when hearth runs inside a test host), else <c>dotnet hearth.dll</c>.
    /// </summary>
    internal static string SelfCommand()
    {
        var assembly = typeof(EngineHost).Assembly.Location;
        var folder = Path.GetDirectoryName(assembly) ?? ".";
        var launcher = Path.Combine(folder, "hearth");
        if (File.Exists(launcher))
        {
            return ShellText.Quote(launcher);
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return $"{ShellText.Quote(dotnet)} {ShellText.Quote(assembly)}";
    }


    /// <summary>Heat's default stack timeout: a deployment runs at most an hour unless its config says otherwise.</summary>
    public static readonly TimeSpan DefaultDeploymentTimeout = TimeSpan.FromHours(1);

    public static async Task<(StackEngine Engine, IStateStore Store)> OpenAsync(ParseResult parse, int maxParallel, CancellationToken cancellationToken)
    {
        var database = parse.GetValue(GlobalOptions.Database) ?? System.Environment.GetEnvironmentVariable("HEARTH_DATABASE");
        if (!string.IsNullOrEmpty(database))
        {
            throw new UserErrorException("the PostgreSQL store (--database / HEARTH_DATABASE) is not available in this build yet; use the embedded store (--state DIR)");
        }

        var directory = StateLocation.Resolve(parse.GetValue(GlobalOptions.State), System.Environment.GetEnvironmentVariables());
        IStateStore store;
        try
        {
            store = await SqliteStateStore.OpenAsync(directory, TimeProvider.System, cancellationToken);
        }
        catch (StateStoreException e) when (e is not StateUnusableException)
        {
            throw new UserErrorException($"cannot open the state in {directory}: {e.Message}", ExitCodes.OperationFailed);
        }
        catch (IOException e)
        {
            throw new UserErrorException($"cannot open the state in {directory}: {e.Message}", ExitCodes.OperationFailed);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"cannot open the state in {directory}: {e.Message}", ExitCodes.OperationFailed);
        }

        // Deployments on this machine keep their working folders under the state folder; SSH keeps its known_hosts, its
        // connection sockets and the hosts it reached there.
        var local = new LocalTransport(new LocalTransportOptions(directory));
        var providers = new Dictionary<string, ITransportProvider> { [DeploymentTransports.Local] = DeploymentTransports.Single(local) };
        if (!OperatingSystem.IsWindows())
        {
            providers[SshTransports.Name] = new SshTransports(new SshOptions(directory), TimeProvider.System);
        }

        var transports = new DeploymentTransports(providers);
        var deployments = new DeploymentServices(store, local, DefaultDeploymentTimeout)
        {
            Transports = transports,
            StateDirectory = directory,
            HearthCommand = SelfCommand(),
        };
        // Stored templates are parsed once and kept beside the state: the next command on the stack reads the snapshot.
        var options = new EngineOptions(maxParallel) { Documents = new DocumentCacheFolder(Path.Combine(directory, "parsed")) };
        var engine = new StackEngine(store, BuiltinHandlers.Create(TimeProvider.System, deployments), TimeProvider.System, options);
        return (engine, store);
    }
}
