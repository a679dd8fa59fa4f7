using System.Security.Cryptography;
using System.Text;
using Hearth.State;

namespace Hearth.Hosting;

/// <summary>
/// The server's API tokens: made here, shown once, kept only as a hash. A token is 256 random bits, so its plain
/// SHA-256 is enough: a salt or a slow hash defends guessable secrets (passwords), and nobody can guess 2^256 of them.
/// It also lets a request's token be found by one indexed lookup of its hash.
/// </summary>
public sealed class ApiTokens(ITokenStore store, TimeProvider time)
{
    /// <summary>What every secret starts with, so a leaked one is recognisable (by secret scanners, by people).</summary>
    public const string Prefix = "hearth_";

    /// <summary>Makes a token; returns its secret, which exists nowhere else from then on.</summary>
    /// <exception cref="StateConflictException">A token has the name already.</exception>
    public async Task<string> CreateAsync(string name, bool readOnly, CancellationToken cancellationToken)
    {
        var secret = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await store.CreateTokenAsync(new ApiTokenRecord(name, Hash(secret), readOnly, time.GetUtcNow()), cancellationToken);
        return secret;
    }

    public Task<IReadOnlyList<ApiTokenRecord>> ListAsync(CancellationToken cancellationToken) => store.ListTokensAsync(cancellationToken);

    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken) => store.RevokeTokenAsync(name, cancellationToken);

    /// <summary>The token whose secret this is, or null for a secret that no (unrevoked) token has.</summary>
    public Task<ApiTokenRecord?> FindAsync(string secret, CancellationToken cancellationToken) =>
        store.FindTokenByHashAsync(Hash(secret), cancellationToken);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
