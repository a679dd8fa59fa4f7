namespace Hearth.State;

/// <summary>
/// An API token of <c>hearth server</c>, as stored: its name and the SHA-256 of its secret, never the secret itself.
/// </summary>
/// <param name="Name">Chosen by the user, unique; what <c>hearth token revoke</c> names.</param>
/// <param name="Hash">The lowercase hex SHA-256 of the token's secret.</param>
/// <param name="ReadOnly">True when the token may read but not change anything.</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record ApiTokenRecord(string Name, string Hash, bool ReadOnly, DateTimeOffset CreatedAt);

/// <summary>Where the server's API tokens are kept: beside the stacks, in the same state.</summary>
public interface ITokenStore
{
    /// <summary>Adds a token.</summary>
    /// <exception cref="StateConflictException">A token has the name (or, by a one-in-2^256 chance, the hash).</exception>
    Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken);

    /// <summary>Lists the tokens, ordered by name.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken);

    /// <summary>Finds the token whose secret hashes to <paramref name="hash"/>, or null.</summary>
    Task<ApiTokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Removes a token: requests that present it are refused from then on.</summary>
    /// <returns>False if no token had the name.</returns>
    Task<bool> RevokeTokenAsync(string name, CancellationToken cancellationToken);
}
