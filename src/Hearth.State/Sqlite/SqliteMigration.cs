namespace Hearth.State.Sqlite;

/// <summary>One step of the schema: applied once, in its own transaction, in version order.</summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql);
