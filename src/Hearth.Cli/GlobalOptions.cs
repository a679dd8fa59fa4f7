using System.CommandLine;

namespace Hearth.Cli;

/// <summary>Options every command accepts.</summary>
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

    public static readonly Option<string?> Server = new("--server")
    {
        Description = "Send 'hearth stack' commands to this hearth server (http://HOST:PORT) instead of the local state (default: $HEARTH_SERVER)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "The API token for --server (default: $HEARTH_TOKEN)",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [State, Database, Server, Token];
}
