using Hearth.Engine;
using Hearth.Execution;
using Hearth.State;
using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>Opens the state the user chose through the shared composition root (<see cref="HearthEngine"/>), once per command.</summary>
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

    /// <summary>The engine settings of this command line: the state folder it names and this hearth as the scripts' callback.</summary>
    public static EngineSettings Settings(ParseResult parse, int maxParallel)
    {
        var database = parse.GetValue(GlobalOptions.Database) ?? System.Environment.GetEnvironmentVariable("HEARTH_DATABASE");
        if (!string.IsNullOrEmpty(database))
        {
            throw new UserErrorException("the PostgreSQL store (--database / HEARTH_DATABASE) is not available in this build yet; use the embedded store (--state DIR)");
        }

        var directory = StateLocation.Resolve(parse.GetValue(GlobalOptions.State), System.Environment.GetEnvironmentVariables());
        return new EngineSettings(directory, maxParallel, SelfCommand());
    }

    public static async Task<HearthEngine> OpenHostAsync(ParseResult parse, int maxParallel, CancellationToken cancellationToken)
    {
        var settings = Settings(parse, maxParallel);
        try
        {
            return await HearthEngine.OpenAsync(settings, TimeProvider.System, cancellationToken);
        }
        catch (StateStoreException e) when (e is not StateUnusableException)
        {
            throw new UserErrorException($"cannot open the state in {settings.StateDirectory}: {e.Message}", ExitCodes.OperationFailed);
        }
        catch (IOException e)
        {
            throw new UserErrorException($"cannot open the state in {settings.StateDirectory}: {e.Message}", ExitCodes.OperationFailed);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"cannot open the state in {settings.StateDirectory}: {e.Message}", ExitCodes.OperationFailed);
        }
    }

    public static async Task<(StackEngine Engine, IAsyncDisposable Store)> OpenAsync(ParseResult parse, int maxParallel, CancellationToken cancellationToken)
    {
        var host = await OpenHostAsync(parse, maxParallel, cancellationToken);
        return (host.Engine, host);
    }
}
