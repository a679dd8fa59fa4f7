using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The columns whose values are sealed (<see cref="SealedValues"/>), the schema step that seals what an earlier Hearth
/// stored in clear, and the check at open that the key opens what is sealed.
/// </summary>
internal static class SqliteSealing
{
    /// <summary>The schema step that began sealing values.</summary>
    public const int SchemaVersion = 4;

    private const int Batch = 500;

    private static readonly (string Table, string[] Columns)[] SealedColumns =
    [
        ("stacks", ["current_template", "current_environment", "current_parameters", "previous_template", "previous_environment", "previous_parameters"]),
        ("resources", ["status_reason", "properties_json", "attributes_json", "metadata_json", "data_json"]),
    ];

    // The first sealed value of any sealed column (the first column nearly always has one, so this stops at once).
    private static readonly string CheckKeySql = string.Join(
        " UNION ALL ",
        SealedColumns.SelectMany(t => t.Columns.Select(c => $"SELECT * FROM (SELECT '{t.Table}.{c}', {c} FROM {t.Table} WHERE typeof({c}) = 'blob' LIMIT 1)"))) + " LIMIT 1";

    /// <summary>Seals every value of a sealed column that is still text, a batch of rows at a time.</summary>
    public static async Task SealClearValuesAsync(SqliteMigrationContext context)
    {
        foreach (var (table, columns) in SealedColumns)
        {
            var clear = string.Join(" OR ", columns.Select(c => $"typeof({c}) = 'text'"));
            // Both tables have a rowid (the resources' id is it): batches follow it.
            var after = 0L;
            while (true)
            {
                var rows = new List<(long RowId, object[] Values)>();
                await using (var select = Command(context, $"SELECT rowid, {string.Join(", ", columns)} FROM {table} WHERE ({clear}) AND rowid > @after ORDER BY rowid LIMIT {Batch}"))
                {
                    select.Parameters.AddWithValue("@after", after);
                    await using var reader = await select.ExecuteReaderAsync(context.CancellationToken);
                    while (await reader.ReadAsync(context.CancellationToken))
                    {
                        var values = new object[columns.Length];
                        for (var i = 0; i < columns.Length; i++)
                        {
                            values[i] = reader.GetValue(i + 1);
                        }

                        rows.Add((reader.GetInt64(0), values));
                    }
                }

                foreach (var (rowId, values) in rows)
                {
                    await using var update = Command(context, $"UPDATE {table} SET {string.Join(", ", columns.Select(c => $"{c} = @{c}"))} WHERE rowid = @rowid");
                    update.Parameters.AddWithValue("@rowid", rowId);
                    for (var i = 0; i < columns.Length; i++)
                    {
                        var column = $"{table}.{columns[i]}";
                        update.Parameters.AddWithValue("@" + columns[i], values[i] is string text ? context.Values.Seal(column, text) : values[i]);
                    }

                    await update.ExecuteNonQueryAsync(context.CancellationToken);
                }

                if (rows.Count < Batch)
                {
                    break;
                }

                after = rows[^1].RowId;
            }
        }
    }

    /// <summary>
    /// Opens one sealed value, if the database has any, so that a missing or wrong key is refused when the state is
    /// opened, before anything is read or written with it.
    /// </summary>
    /// <exception cref="StateKeyException">The key is missing or is not the one the values were sealed with.</exception>
    public static async Task CheckKeyAsync(SqliteConnection connection, SealedValues values, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = CheckKeySql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            values.Open(reader.GetString(0), (byte[])reader.GetValue(1));
        }
    }

    private static SqliteCommand Command(SqliteMigrationContext context, string sql)
    {
        var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = sql;
        return command;
    }
}
