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

    /// <summary>
    /// <c>hearth</c> with the options that chose this command's stacks (<c>--state</c>, <c>--database</c> without its
    /// password, <c>--server</c>; never <c>--token</c>): the start of a command that the output suggests, so that,
    /// pasted, it acts on the same stacks.
    /// </summary>
    public static string Command(ParseResult parse)
    {
        if (Server(parse) is { Length: > 0 } server)
        {
            // The server's stacks: no state of this machine's is read.
            return $"hearth --server {Word(server)}";
        }

        var words = new List<string> { "hearth" };
        if (parse.GetValue(State) is { Length: > 0 } state)
        {
            words.AddRange(["--state", Word(state)]);
        }

        if (parse.GetValue(Database) is { Length: > 0 } database)
        {
            words.AddRange(["--database", Word(WithoutPassword(database))]);
        }

        return string.Join(' ', words);
    }

    /// <summary>A word as a shell reads it: as it is when it holds nothing the shell treats specially, else quoted (<see cref="Execution.ShellText.Quote"/>).</summary>
    private static string Word(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "_-./:@%+=,~".Contains(c, StringComparison.Ordinal))
            ? text
            : Execution.ShellText.Quote(text);

    /// <summary>A connection URL with the password in its user part replaced by <c>PASSWORD</c>.</summary>
    private static string WithoutPassword(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var colon = scheme < 0 || at < 0 ? -1 : url.IndexOf(':', scheme + 3, at - scheme - 3);
        return colon < 0 ? url : string.Concat(url.AsSpan(0, colon + 1), "PASSWORD", url.AsSpan(at));
    }
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
