using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>A connection to the state database, at the schema version it is at; read-only when writing failed, and why.</summary>
internal sealed record OpenedDatabase(SqliteConnection Connection, string Path, int SchemaVersion, string? ReadOnlyProblem, SealedValues Values);

/// <summary>
/// Opens <c>hearth.db</c> in a state folder. Only a missing file is a new state: it is built under another name and
/// linked into place complete, so an empty or foreign <c>hearth.db</c> is always refused, never started over. Where
/// nothing can be written (a full disk, a read-only folder) the database opens read-only, so reads keep working.
/// </summary>
internal static class SqliteOpener
{
    public static async Task<OpenedDatabase> OpenAsync(
        string directory,
        TimeProvider timeProvider,
        IReadOnlyList<SqliteMigration> migrations,
        TimeSpan busyTimeout,
        CancellationToken cancellationToken)
    {
        SQLitePCL.Batteries_V2.Init();
        var folder = Path.GetFullPath(directory);
        var path = Path.Combine(folder, SqliteStateStore.DatabaseFileName);
        try
        {
            StateFolder.EnsurePrivate(folder);
            if (!File.Exists(path))
            {
                await CreateAsync(folder, path, timeProvider, migrations, busyTimeout, cancellationToken);
            }

            foreach (var file in new[] { path, path + "-wal", path + "-shm", Path.Combine(folder, StateKey.FileName) })
            {
                StateFolder.MakePrivate(file);
            }
        }
        catch (Exception e) when (SqliteErrors.IsWriteFailure(e))
        {
            throw new StateNotWritableException(path, StateFolder.DescribeWriteFailure(folder), e);
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new StateDamagedException(path, "is empty (0 bytes)");
        }

        try
        {
            return await OpenReadWriteAsync(path, timeProvider, migrations, busyTimeout, mustBeHearths: true, cancellationToken);
        }
        catch (SqliteException e) when (SqliteErrors.IsDamage(e))
        {
            throw SqliteErrors.Damaged(path, e);
        }
        catch (Exception e) when (SqliteErrors.IsWriteFailure(e))
        {
            return await OpenReadOnlyAsync(path, StateFolder.DescribeWriteFailure(folder), migrations, e, cancellationToken);
        }
    }

    /// <summary>Builds a new database beside the real name, then links it in: a racing process's complete one wins.</summary>
    private static async Task CreateAsync(
        string folder,
        string path,
        TimeProvider timeProvider,
        IReadOnlyList<SqliteMigration> migrations,
        TimeSpan busyTimeout,
        CancellationToken cancellationToken)
    {
        var building = Path.Combine(folder, $".{SqliteStateStore.DatabaseFileName}.new-{Guid.NewGuid():N}");
        try
        {
            // Create the file before SQLite does, so it is never readable by others even for a moment.
            // SQLite gives the -wal and -shm files the database file's mode.
            StateFolder.CreatePrivateFile(building, FileAccess.ReadWrite).Dispose();
            var created = await OpenReadWriteAsync(building, timeProvider, migrations, busyTimeout, mustBeHearths: false, cancellationToken);
            await created.Connection.DisposeAsync();
            StateFolder.PublishNew(building, path);
        }
        finally
        {
            File.Delete(building);
        }
    }

    private static async Task<OpenedDatabase> OpenReadWriteAsync(
        string path,
        TimeProvider timeProvider,
        IReadOnlyList<SqliteMigration> migrations,
        TimeSpan busyTimeout,
        bool mustBeHearths,
        CancellationToken cancellationToken)
    {
        var connection = NewConnection(path, SqliteOpenMode.ReadWrite, busyTimeout);
        var values = Values(path);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // busy_timeout first: switching to WAL needs a lock another process may hold. A database that is not
            // Hearth's is refused before anything changes it (WAL rewrites its header and adds files beside it).
            await SetBusyTimeoutAsync(connection, busyTimeout, cancellationToken);
            var isHearths = await HasSchemaVersionAsync(connection, cancellationToken);
            if (mustBeHearths && !isHearths)
            {
                throw new StateDamagedException(path, "is not a Hearth state database (it has no schema_version table)");
            }

            // Pages of deleted rows are overwritten with zeros, so a deleted stack's secrets do not stay in the file.
            await ExecuteAsync(
                connection,
                "PRAGMA secure_delete = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                cancellationToken);

            // Every command opens the database: one at this Hearth's schema is only read, not locked for writing.
            var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
            var version = isHearths ? await SqliteMigrator.ReadVersionAsync(connection, null, cancellationToken) : -1;
            if (version != latest)
            {
                version = await SqliteMigrator.MigrateAsync(connection, path, migrations, values, timeProvider, cancellationToken);
            }

            await CheckKeyAsync(connection, version, values, cancellationToken);
            return new OpenedDatabase(connection, path, version, null, values);
        }
        catch (SqliteException exception) when (SqliteErrors.IsBusy(exception))
        {
            await connection.DisposeAsync();
            throw SqliteErrors.ToBusy(exception);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens for reading only, where nothing can be written. With no unmerged writes in the -wal file the database is
    /// opened immutable (no -shm, no locks, both of which need writes); otherwise in exclusive locking mode, which keeps
    /// the WAL index in memory instead of the -shm file.
    /// </summary>
    private static async Task<OpenedDatabase> OpenReadOnlyAsync(
        string path,
        string problem,
        IReadOnlyList<SqliteMigration> migrations,
        Exception writeFailure,
        CancellationToken cancellationToken)
    {
        var wal = new FileInfo(path + "-wal");
        var immutable = !wal.Exists || wal.Length == 0;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? "file:" + EscapeUri(path) + "?immutable=1" : path,
            Mode = immutable ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!immutable)
            {
                await ExecuteAsync(connection, "PRAGMA locking_mode = EXCLUSIVE;", cancellationToken);
            }

            if (!await HasSchemaVersionAsync(connection, cancellationToken))
            {
                throw new StateDamagedException(path, "is not a Hearth state database (it has no schema_version table)");
            }

            var version = await SqliteMigrator.ReadVersionAsync(connection, null, cancellationToken);
            var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
            if (version > latest)
            {
                throw new StateSchemaTooNewException(path, version, latest);
            }

            if (version < latest)
            {
                throw new StateNotWritableException(path, $"{problem}; it must be upgraded to this Hearth's schema, which writes", writeFailure);
            }

            var values = Values(path);
            await CheckKeyAsync(connection, version, values, cancellationToken);
            return new OpenedDatabase(connection, path, version, problem, values);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw SqliteErrors.IsDamage(e)
                ? SqliteErrors.Damaged(path, e)
                : new StateNotWritableException(path, $"{problem}, and it cannot even be read without writing ({e.Message})", writeFailure);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection of its own (no pool, no shared cache) that waits <paramref name="busyTimeout"/> for a lock.</summary>
    public static SqliteConnection NewConnection(string path, SqliteOpenMode mode, TimeSpan busyTimeout) =>
        new(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString());

    /// <summary>Sets how long each statement waits for a lock another connection holds.</summary>
    public static Task SetBusyTimeoutAsync(SqliteConnection connection, TimeSpan busyTimeout, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};", cancellationToken);

    /// <summary>The key lives beside the database (its real name, also while a new database is built under another).</summary>
    private static SealedValues Values(string path)
    {
        var folder = Path.GetDirectoryName(path) ?? ".";
        return new SealedValues(Path.Combine(folder, StateKey.FileName), Path.Combine(folder, SqliteStateStore.DatabaseFileName));
    }

    private static Task CheckKeyAsync(SqliteConnection connection, int version, SealedValues values, CancellationToken cancellationToken) =>
        version >= SqliteSealing.SchemaVersion ? SqliteSealing.CheckKeyAsync(connection, values, cancellationToken) : Task.CompletedTask;

    private static async Task<bool> HasSchemaVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) > 0;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // In a file: URI these three would end the path or start an escape.
    private static string EscapeUri(string path) =>
        path.Replace("%", "%25", StringComparison.Ordinal)
            .Replace("?", "%3f", StringComparison.Ordinal)
            .Replace("#", "%23", StringComparison.Ordinal);
}
