using System.CommandLine;

namespace Hearth.Cli;

/// <summary>Options every command accepts, and those with which the <c>hearth stack</c> commands work on a server.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> State = new("--state")
    {
        Description = "State folder (default: $HEARTH_STATE, else ~/.local/share/hearth)",
        Recursive = true,
    };

    public static readonly Option<string?> Database = new("--database")
    {
        Description = "PostgreSQL connection (postgres://…) for shared state (default: $HEARTH_DATABASE, else the embedded SQLite store)",
        Recursive = true,
    };

    /// <summary>
    /// <c>--server</c> and <c>--token</c> after <c>stack</c>, anywhere in its subtree. They mean nothing to the other
    /// commands (<c>hearth server</c> serves its own state; <c>token</c> and <c>template</c> never ask a server), which
    /// therefore neither list nor take them.
    /// </summary>
    public static readonly RemoteOptions OfStack = new(recursive: true);

    /// <summary>
    /// The same options before the command (<c>hearth --server URL stack list</c>), as the root's own: an option is in a
    /// command's subtree only when recursive from it, so before <c>stack</c> they are other options of the same names.
    /// </summary>
    public static readonly RemoteOptions BeforeCommand = new(recursive: false);

    /// <summary>The root command's options: <c>--state</c> and <c>--database</c>, which every command takes, and <see cref="BeforeCommand"/>.</summary>
    public static IEnumerable<Option> All => [State, Database, .. BeforeCommand.All];

    /// <summary>The server given with <c>--server</c>, before the command or after <c>stack</c>; null if none.</summary>
    public static string? Server(ParseResult parse) => parse.GetValue(OfStack.Server) ?? parse.GetValue(BeforeCommand.Server);

    /// <summary>The token given with <c>--token</c>, before the command or after <c>stack</c>; null if none.</summary>
    public static string? Token(ParseResult parse) => parse.GetValue(OfStack.Token) ?? parse.GetValue(BeforeCommand.Token);
}

/// <summary><c>--server</c> and <c>--token</c>: which server the <c>hearth stack</c> commands work on, and the API token for it.</summary>
internal sealed class RemoteOptions(bool recursive)
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Send 'hearth stack' commands to this hearth server (http://HOST:PORT) instead of the local state (default: $HEARTH_SERVER)",
        Recursive = recursive,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "The API token for --server (default: $HEARTH_TOKEN)",
        Recursive = recursive,
    };

    public IEnumerable<Option> All => [Server, Token];
}
