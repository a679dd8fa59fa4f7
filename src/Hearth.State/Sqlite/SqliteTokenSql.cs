namespace Hearth.State.Sqlite;

/// <summary>The SQL of the server's API tokens (<see cref="ITokenStore"/>): one row per token, its secret only hashed.</summary>
/// <param name="session">The store's writing connection.</param>
/// <param name="readers">The store's read connections.</param>
internal sealed class SqliteTokenSql(SqliteSession session, SqliteReaders readers)
{
    private const string Columns = "name, hash, read_only, created_at";

    public Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken) =>
        session.WriteAsync(
            async transaction => await session.ExecuteAsync(
                $"INSERT INTO api_tokens ({Columns}) VALUES (@name, @hash, @read_only, @created_at)",
                transaction,
                c =>
                {
                    c.Add("@name", token.Name);
                    c.Add("@hash", token.Hash);
                    c.Add("@read_only", token.ReadOnly ? 1 : 0);
                    c.Add("@created_at", SqliteValues.FromTime(token.CreatedAt));
                },
                () => $"a token named '{token.Name}' exists already",
                cancellationToken),
            cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken) =>
        readers.ReadAsync(
            s => s.QueryListAsync($"SELECT {Columns} FROM api_tokens ORDER BY name", _ => { }, Read, cancellationToken),
            cancellationToken);

    public Task<ApiTokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken) =>
        readers.ReadAsync(
            s => s.QuerySingleAsync($"SELECT {Columns} FROM api_tokens WHERE hash = @hash", null, c => c.Add("@hash", hash), Read, cancellationToken),
            cancellationToken);

    public Task<bool> RevokeTokenAsync(string name, CancellationToken cancellationToken) =>
        session.WriteAsync(
            async transaction => await session.ExecuteAsync(
                "DELETE FROM api_tokens WHERE name = @name",
                transaction,
                c => c.Add("@name", name),
                () => $"cannot revoke the token '{name}'",
                cancellationToken) > 0,
            cancellationToken);

    private static ApiTokenRecord Read(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, SqliteValues.ReadTime(reader, 3));
}
