using System.Security.Cryptography;
using System.Text;

namespace Hearth.Engine.Operations;

/// <summary>Heat's physical names end in a 12-character lowercase id; ours is derived from the stack and row ids, so it is stable across a resume.</summary>
internal static class ShortId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Of(string stackId, long rowId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{stackId}/{rowId}"));
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[hash[i] % Alphabet.Length];
        }

        return new string(chars);
    }
}
