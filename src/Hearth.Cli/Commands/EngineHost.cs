using Hearth.Engine;
using Hearth.Engine.Resources;
using Hearth.Engine.Resources.Software;
using Hearth.Execution.Local;
using Hearth.State;
using Hearth.State.Sqlite;
using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>Opens the state store the user chose and builds the engine over it, once per command.</summary>
internal static class EngineHost
{
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
        catch (StateStoreException e)
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

        // Deployments on this machine keep their working folders under the state folder.
        var deployments = new DeploymentServices(store, new LocalTransport(new LocalTransportOptions(directory)), DefaultDeploymentTimeout);
        var engine = new StackEngine(store, BuiltinHandlers.Create(TimeProvider.System, deployments), TimeProvider.System, new EngineOptions(maxParallel));
        return (engine, store);
    }
}
