using System.Buffers.Binary;
using System.Security.Cryptography;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>digest: [algorithm, value]</c>: the lowercase hex digest of the value encoded as latin-1 (as Heat does).
/// Algorithms: md5, sha1, sha224, sha256, sha384, sha512 (the ones Python's hashlib guarantees).
/// </summary>
internal sealed class DigestFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    public static readonly IReadOnlyList<string> Algorithms = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (arguments is not IReadOnlyList<object?> args || args.Any(a => a is not string))
        {
            throw Error($"Argument to function \"{Name}\" must be a list of strings: [\"<algorithm>\", \"<value>\"]");
        }

        if (args.Count != 2)
        {
            throw Error($"Function \"{Name}\" usage: [\"<algorithm>\", \"<value>\"]");
        }

        var algorithm = ((string?)args[0] ?? "").ToLowerInvariant();
        var text = (string?)args[1] ?? "";
        if (!Algorithms.Contains(algorithm))
        {
            throw Error($"Algorithm must be one of {string.Join(", ", Algorithms)}; got \"{args[0]}\"");
        }

        if (text.Any(c => c > '\xff'))
        {
            throw Error($"The value given to \"{Name}\" must contain only latin-1 characters (U+0000 to U+00FF)");
        }

        var bytes = text.Select(c => (byte)c).ToArray();
        return Convert.ToHexStringLower(Hash(algorithm, bytes));
    }

    // md5 and sha1 are here for compatibility with templates that name them (checksums, not security).
#pragma warning disable CA5350, CA5351
    internal static byte[] Hash(string algorithm, byte[] data) => algorithm switch
    {
        "md5" => MD5.HashData(data),
        "sha1" => SHA1.HashData(data),
        "sha224" => Sha224.HashData(data),
        "sha256" => SHA256.HashData(data),
        "sha384" => SHA384.HashData(data),
        "sha512" => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown digest algorithm"),
    };
#pragma warning restore CA5350, CA5351
}

/// <summary>SHA-224 (FIPS 180-4: SHA-256 with other initial values, truncated to 28 bytes), which .NET does not provide.</summary>
internal static class Sha224
{
    private static readonly uint[] _k =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    public static byte[] HashData(byte[] data)
    {
        uint[] h = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
        var length = ((data.Length + 8) / 64 + 1) * 64;
        var message = new byte[length];
        data.CopyTo(message, 0);
        message[data.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(length - 8), (ulong)data.Length * 8);

        var w = new uint[64];
        for (var block = 0; block < length; block += 64)
        {
            for (var i = 0; i < 16; i++)
            {
                w[i] = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(block + i * 4));
            }

            for (var i = 16; i < 64; i++)
            {
                var s0 = uint.RotateRight(w[i - 15], 7) ^ uint.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
                var s1 = uint.RotateRight(w[i - 2], 17) ^ uint.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }

            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (var i = 0; i < 64; i++)
            {
                var t1 = hh + (uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + _k[i] + w[i];
                var t2 = (uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                hh = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }

            h[0] += a;
            h[1] += b;
            h[2] += c;
            h[3] += d;
            h[4] += e;
            h[5] += f;
            h[6] += g;
            h[7] += hh;
        }

        var result = new byte[28];
        for (var i = 0; i < 7; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(i * 4), h[i]);
        }

        return result;
    }
}
