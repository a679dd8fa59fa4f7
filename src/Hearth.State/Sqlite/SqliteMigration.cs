using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// One step of the schema: applied once, in its own transaction, in version order. <paramref name="Code"/>, when
/// given, runs after <paramref name="Sql"/> in the same transaction, for what SQL alone cannot do (sealing values).
/// </summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql, Func<SqliteMigrationContext, Task>? Code = null);

/// <summary>What a step's code works with: the connection in the step's transaction, and the state's sealed values.</summary>
internal sealed record SqliteMigrationContext(
    SqliteConnection Connection,
    SqliteTransaction Transaction,
    SealedValues Values,
    CancellationToken CancellationToken);
