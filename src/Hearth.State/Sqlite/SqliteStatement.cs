using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Hearth.State.Sqlite;

/// <summary>
/// A write statement prepared once on the writing connection and run through SQLite's own API: bound by parameter index,
/// stepped, reset. The group-commit batch writes every step's row and event this way. Through <see cref="SqliteCommand"/>
/// each run also made a data reader, walked the command's statements and looked every parameter up by name in SQLite,
/// which cost more than SQLite's own work on a row (bench/Hearth.Benchmarks GroupCommitBatch, docs/performance.md).
/// Runs inside whatever transaction the connection has open; one caller at a time (the session's gate).
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        ThrowIfFailed(raw.sqlite3_prepare_v2(_database, sql, out _statement));
    }

    /// <summary>Binds a parameter (<c>@name</c>) for the next run; every run binds every parameter.</summary>
    public void Add(string name, object? value)
    {
        if (!_indexes.TryGetValue(name, out var index))
        {
            index = raw.sqlite3_bind_parameter_index(_statement, name);
            if (index == 0)
            {
                throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
            }

            _indexes.Add(name, index);
        }

        ThrowIfFailed(value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            string text => raw.sqlite3_bind_text(_statement, index, text),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
            _ => throw new ArgumentException($"Cannot bind a {value.GetType().Name} to {name}.", nameof(value)),
        });
    }

    /// <summary>Runs the statement once.</summary>
    /// <returns>How many rows it changed, and the rowid of the last row inserted on the connection.</returns>
    /// <exception cref="SqliteException">SQLite refused it (a constraint, a full disk, a busy database).</exception>
    public (int Changes, long LastInsertRowId) Run()
    {
        var result = raw.sqlite3_step(_statement);
        try
        {
            if (result != raw.SQLITE_DONE)
            {
                ThrowIfFailed(result);
                throw new InvalidOperationException("A write statement returned rows.");
            }

            return (raw.sqlite3_changes(_database), raw.sqlite3_last_insert_rowid(_database));
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // The primary code, as Microsoft.Data.Sqlite reports it (SqliteErrors reads the primary codes).
    private void ThrowIfFailed(int result) => SqliteException.ThrowExceptionForRC(result & 0xFF, _database);
}
