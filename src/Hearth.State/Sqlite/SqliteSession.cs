using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The store's one connection, used by one call at a time: runs a call or a transaction, keeps each SQL text's command
/// prepared, turns constraint failures into <see cref="StateConflictException"/> and file system failures into the
/// typed <see cref="StateStoreException"/>s, and refuses writes when the database could be opened only for reading.
/// </summary>
/// <param name="connection">The open connection.</param>
/// <param name="databasePath">The database file, for messages.</param>
/// <param name="readOnlyProblem">Why the database could only be opened for reading, or null.</param>
/// <param name="gate">Admits one call at a time; group commit holds it while it writes a batch.</param>
/// <param name="writePending">Writes what group commit has queued; every call does that first.</param>
/// <param name="committed">Called after each write transaction commits (live views look for new events).</param>
internal sealed class SqliteSession(
    SqliteConnection connection,
    string databasePath,
    string? readOnlyProblem,
    SemaphoreSlim gate,
    Func<Task> writePending,
    Action committed)
{
    // Reusing a command keeps its statement prepared; safe because the gate admits one call at a time.
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Begins an immediate transaction on the connection (the caller holds the gate).</summary>
    public SqliteTransaction BeginImmediate() => SqliteValues.BeginImmediate(connection);

    /// <summary>Runs <paramref name="work"/> alone on the connection, after whatever group commit has queued.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Queued transitions go first: every call sees, and is ordered after, everything queued before it.
            await writePending();
            return await work();
        }
        catch (Exception exception) when (SqliteErrors.Translate(exception, databasePath) is { } translated)
        {
            throw translated;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in an immediate transaction, committed when it returns.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(
            async () =>
            {
                ThrowIfReadOnly();
                await using var transaction = SqliteValues.BeginImmediate(connection);
                var result = await work(transaction);
                await transaction.CommitAsync(cancellationToken);
                committed();
                return result;
            },
            cancellationToken);

    public void ThrowIfReadOnly()
    {
        if (readOnlyProblem is { } problem)
        {
            throw new StateNotWritableException(databasePath, problem);
        }
    }

    private SqliteCommand Prepare(string sql, SqliteTransaction? transaction, Action<SqliteCommand> bind)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        // Every use of one SQL text binds the same parameters, so each overwrites the values of the last.
        command.Transaction = transaction;
        bind(command);
        return command;
    }

    public async Task<int> ExecuteAsync(
        string sql,
        SqliteTransaction transaction,
        Action<SqliteCommand> bind,
        Func<string> conflictMessage,
        CancellationToken cancellationToken)
    {
        try
        {
            return await Prepare(sql, transaction, bind).ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException exception) when (SqliteErrors.IsConstraint(exception))
        {
            throw new StateConflictException(conflictMessage(), exception);
        }
    }

    /// <summary>
    /// Runs a write through a statement kept prepared with SQLite's own API (<see cref="SqliteStatement"/>), in the
    /// transaction the caller holds open: how group commit writes its rows and events.
    /// </summary>
    /// <returns>How many rows it changed, and the rowid of the last row inserted.</returns>
    public (int Changes, long LastInsertRowId) Run(string sql, Action<SqliteStatement> bind, Func<string> conflictMessage)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new SqliteStatement(connection, sql);
            _statements.Add(sql, statement);
        }

        bind(statement);
        try
        {
            return statement.Run();
        }
        catch (SqliteException exception) when (SqliteErrors.IsConstraint(exception))
        {
            throw new StateConflictException(conflictMessage(), exception);
        }
    }

    public async Task<long> ExecuteScalarInt64Async(
        string sql,
        SqliteTransaction transaction,
        Action<SqliteCommand> bind,
        Func<string> conflictMessage,
        CancellationToken cancellationToken)
    {
        try
        {
            return (long)(await Prepare(sql, transaction, bind).ExecuteScalarAsync(cancellationToken)
                ?? throw new InvalidOperationException($"No value returned by: {sql}"));
        }
        catch (SqliteException exception) when (SqliteErrors.IsConstraint(exception))
        {
            throw new StateConflictException(conflictMessage(), exception);
        }
    }

    public async Task<T?> QuerySingleAsync<T>(
        string sql,
        SqliteTransaction? transaction,
        Action<SqliteCommand> bind,
        Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var reader = await Prepare(sql, transaction, bind).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : default;
    }

    public async Task<IReadOnlyList<T>> QueryListAsync<T>(
        string sql,
        Action<SqliteCommand> bind,
        Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        await using var reader = await Prepare(sql, null, bind).ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    /// <summary>Runs <paramref name="beforeClose"/> (the last writes) alone on the connection, then closes it; once.</summary>
    public async Task CloseAsync(Func<Task> beforeClose)
    {
        await gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            await beforeClose();
            _disposed = true;
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync();
            }

            _commands.Clear();
            foreach (var statement in _statements.Values)
            {
                statement.Dispose();
            }

            _statements.Clear();
            await connection.DisposeAsync();
        }
        finally
        {
            gate.Release();
        }
    }
}
