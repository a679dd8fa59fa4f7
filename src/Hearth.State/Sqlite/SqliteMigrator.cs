using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// Brings a database up to the newest schema. Each step runs in its own immediate transaction that
/// re-reads the version first, so processes opening the same new database at once apply a step once.
/// </summary>
internal static class SqliteMigrator
{
    public static async Task<int> MigrateAsync(
        SqliteConnection connection,
        string path,
        IReadOnlyList<SqliteMigration> migrations,
        SealedValues values,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;

        await using (var transaction = SqliteValues.BeginImmediate(connection))
        {
            await ExecuteAsync(
                connection,
                transaction,
                """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER NOT NULL PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """,
                cancellationToken);
            var current = await ReadVersionAsync(connection, transaction, cancellationToken);
            if (current > latest)
            {
                throw new StateSchemaTooNewException(path, current, latest);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var applied = false;
        foreach (var migration in migrations)
        {
            await using var transaction = SqliteValues.BeginImmediate(connection);
            if (await ReadVersionAsync(connection, transaction, cancellationToken) >= migration.Version)
            {
                continue;
            }

            if (migration.Sql.Length > 0)
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            }

            if (migration.Code is { } code)
            {
                await code(new SqliteMigrationContext(connection, transaction, values, cancellationToken));
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)";
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                record.Parameters.AddWithValue("@at", SqliteValues.FromTime(timeProvider.GetUtcNow()));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied = true;
        }

        if (applied)
        {
            // A step may have rewritten values (sealed what was clear): their old pages leave the -wal file and reach
            // the database, whose secure_delete zeroes the old content.
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        return latest;
    }

    public static async Task<int> ReadVersionAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
