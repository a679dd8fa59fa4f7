using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Hearth.State;

/// <summary>
/// Seals the stored values that may hold a hidden parameter's value (definitions, resource properties, attributes,
/// metadata, private data and status reasons) with AES-GCM under the state's key (<see cref="StateKey"/>), so the
/// database file never holds one in clear. A sealed value is
/// <c>[version 1][nonce, 12 bytes][tag, 16 bytes][ciphertext]</c>; the column's name is authenticated with it, so a
/// value copied into another column does not open. The key is loaded when first needed and made when first sealing.
/// </summary>
/// <param name="keyPath">The key file.</param>
/// <param name="databasePath">The database, for messages.</param>
internal sealed class SealedValues(string keyPath, string databasePath)
{
    public const byte Version1 = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    // The few column names, as the data authenticated with each value.
    private static readonly ConcurrentDictionary<string, byte[]> AssociatedData = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private AesGcm? _aes;

    public string KeyPath => keyPath;

    /// <summary>
    /// The sealed form of <paramref name="text"/> (a byte array); null for null, and the text itself for an empty text,
    /// map or list, which hold no value (most rows of a big stack have no metadata, data or attributes: not sealing those
    /// keeps reads of 10,000 rows fast).
    /// </summary>
    public object? Seal(string column, string? text)
    {
        if (text is null or "" or "{}" or "[]")
        {
            return text;
        }

        var plain = Encoding.UTF8.GetBytes(text);
        var sealedValue = new byte[HeaderSize + plain.Length];
        sealedValue[0] = Version1;
        var nonce = sealedValue.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        lock (_gate)
        {
            Aes(create: true).Encrypt(nonce, plain, sealedValue.AsSpan(HeaderSize), sealedValue.AsSpan(1 + NonceSize, TagSize), Associated(column));
        }

        return sealedValue;
    }

    /// <summary>The text <paramref name="sealedValue"/> holds.</summary>
    /// <exception cref="StateKeyException">The key is missing, or is not the one that sealed it, or the value is not sealed by Hearth.</exception>
    public string Open(string column, byte[] sealedValue)
    {
        if (sealedValue.Length < HeaderSize || sealedValue[0] != Version1)
        {
            throw new StateKeyException(keyPath, databasePath,
                $"cannot open a value of {column}: it is sealed in a format this Hearth does not know (version {(sealedValue.Length == 0 ? "none" : sealedValue[0])})");
        }

        var plain = new byte[sealedValue.Length - HeaderSize];
        try
        {
            lock (_gate)
            {
                Aes(create: false).Decrypt(sealedValue.AsSpan(1, NonceSize), sealedValue.AsSpan(HeaderSize), sealedValue.AsSpan(1 + NonceSize, TagSize), plain, Associated(column));
            }
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new StateKeyException(keyPath, databasePath, "is not the key the database's values were sealed with", e);
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(string column) => AssociatedData.GetOrAdd(column, Encoding.UTF8.GetBytes);

    private AesGcm Aes(bool create)
    {
        if (_aes is null)
        {
            var key = StateKey.Load(keyPath, databasePath)
                ?? (create ? StateKey.Create(keyPath, databasePath) : throw new StateKeyException(keyPath, databasePath, "is missing, and the database holds values sealed with it"));
            _aes = new AesGcm(key, TagSize);
        }

        return _aes;
    }
}
