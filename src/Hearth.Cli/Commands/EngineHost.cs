using Hearth.Cli.Remote;
using Hearth.Engine;
using Hearth.Execution;
using Hearth.State;
using Hearth.Templates.Model;
using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>Opens the state the user chose through the shared composition root (<see cref="HearthEngine"/>), once per command.</summary>
internal static class EngineHost
{
    /// <summary>Trust on first use for SSH hosts: see docs/ssh.md.</summary>
    public static readonly Option<bool> AcceptNewHostKeys = new("--accept-new-host-keys")
    {
        Description = "Trust the key of an SSH host not yet in the state's known_hosts (and without ssh.known_host_key) on first use, " +
            "adding it there and printing its fingerprint; a key that differs from the known one is still refused",
    };

    /// <summary>
    /// The command that runs this hearth, shell-quoted, for commands handed to scripts: the native launcher beside
    /// hearth.dll when there is one (also when hearth runs inside a test host), else <c>dotnet hearth.dll</c>.
    /// </summary>
    internal static string SelfCommand() => string.Join(' ', SelfArguments().Select(ShellText.Quote));

    /// <summary>The words of <see cref="SelfCommand"/>, for starting this hearth without a shell.</summary>
    internal static IReadOnlyList<string> SelfArguments()
    {
        // AppContext.BaseDirectory, not the assembly's location: a natively compiled hearth has no assembly file.
        var folder = AppContext.BaseDirectory;
        var launcher = Path.Combine(folder, "hearth");
        if (File.Exists(launcher))
        {
            return [launcher];
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return [dotnet, Path.Combine(folder, "hearth.dll")];
    }

    /// <summary>
    /// The engine settings of this command line: the state folder it names, this hearth as the scripts' callback and,
    /// unless <paramref name="longLived"/> (<c>hearth server</c>), as the SSH session broker that keeps the hosts'
    /// sessions from one command to the next.
    /// </summary>
    public static EngineSettings Settings(ParseResult parse, int maxParallel, bool longLived = false)
    {
        var database = parse.GetValue(GlobalOptions.Database) ?? System.Environment.GetEnvironmentVariable("HEARTH_DATABASE");
        if (!string.IsNullOrEmpty(database))
        {
            throw new UserErrorException("the PostgreSQL store (--database / HEARTH_DATABASE) is not available in this build yet; use the embedded store (--state DIR)");
        }

        var directory = StateLocation.Resolve(parse.GetValue(GlobalOptions.State), System.Environment.GetEnvironmentVariables());
        return new EngineSettings(directory, maxParallel, SelfCommand())
        {
            AcceptNewHostKeys = AcceptsNewHostKeys(parse),
            SshBroker = longLived ? null : [.. SelfArguments(), "--state", directory, SshBrokerCommand.Name],
        };
    }

    public static Task<HearthEngine> OpenHostAsync(ParseResult parse, int maxParallel, CancellationToken cancellationToken, bool longLived = false) =>
        OpenHostAsync(parse, maxParallel, new TemplateCache(), cancellationToken, longLived);

    /// <summary>Opens the local state, the engine sharing <paramref name="templates"/> with what the command read before.</summary>
    public static async Task<HearthEngine> OpenHostAsync(ParseResult parse, int maxParallel, TemplateCache templates, CancellationToken cancellationToken, bool longLived = false)
    {
        var settings = Settings(parse, maxParallel, longLived) with { Templates = templates };
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

    /// <summary>The server the stack commands go to (<c>--server</c>, else <c>HEARTH_SERVER</c>), or null for the local state.</summary>
    public static string? Server(ParseResult parse) =>
        GlobalOptions.Server(parse) is { Length: > 0 } server ? server
        : System.Environment.GetEnvironmentVariable("HEARTH_SERVER") is { Length: > 0 } variable ? variable
        : null;

    public static bool IsRemote(ParseResult parse) => Server(parse) is not null;

    private static bool AcceptsNewHostKeys(ParseResult parse) =>
        parse.CommandResult.Command.Options.Contains(AcceptNewHostKeys) && parse.GetValue(AcceptNewHostKeys);

    /// <summary>
    /// The stacks the command works on: a server's, through its API, when one is named; else the local state's. A
    /// command given <c>--no-wait</c> returns from an operation on a server once the server accepted it.
    /// </summary>
    /// <param name="console">Where keys trusted on first use are reported, for the commands that take <see cref="AcceptNewHostKeys"/>.</param>
    public static Task<(IStackService Engine, IAsyncDisposable Store)> OpenAsync(
        ParseResult parse, int maxParallel, CancellationToken cancellationToken, CliConsole? console = null) =>
        OpenAsync(parse, maxParallel, new TemplateCache(), cancellationToken, console);

    /// <inheritdoc cref="OpenAsync(ParseResult, int, CancellationToken, CliConsole?)"/>
    /// <param name="templates">What the command read already (its template), for the local engine to reuse.</param>
    public static async Task<(IStackService Engine, IAsyncDisposable Store)> OpenAsync(
        ParseResult parse, int maxParallel, TemplateCache templates, CancellationToken cancellationToken, CliConsole? console = null)
    {
        if (Server(parse) is { } server)
        {
            if (AcceptsNewHostKeys(parse))
            {
                throw new UserErrorException("--accept-new-host-keys applies to deployments this command runs itself; a hearth server checks host keys against its own state's known_hosts: add the key there");
            }

            var token = GlobalOptions.Token(parse) is { Length: > 0 } given ? given : System.Environment.GetEnvironmentVariable("HEARTH_TOKEN");
            var noWait = parse.CommandResult.Command.Options.Contains(Background.NoWait) && parse.GetValue(Background.NoWait);
            var remote = new RemoteStacks(HeatHttp.Create(server, token), !noWait);
            return (remote, remote);
        }

        var host = await OpenHostAsync(parse, maxParallel, templates, cancellationToken);
        return console is not null && AcceptsNewHostKeys(parse) && host.KnownHostsFile is { } knownHosts
            ? (host.Engine, new TrustedHostKeysReport(host, knownHosts, console))
            : (host.Engine, host);
    }
}
