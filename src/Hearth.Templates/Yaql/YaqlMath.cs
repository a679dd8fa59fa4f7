using System.Globalization;
using System.Numerics;

namespace Hearth.Templates.Yaql;

/// <summary>yaql's math (yaql/standard_library/math.py).</summary>
internal static partial class YaqlLibrary
{
    private static void RegisterMath(Registrar add)
    {
        add("abs", F, ["op"], site => site.Value(0) switch
        {
            long or BigInteger => YaqlNumbers.Normalize(BigInteger.Abs(YaqlNumbers.Big(site.Value(0)!))),
            double d => Math.Abs(d),
            _ => throw site.NoMatch(),
        });
        add("int", F, ["value"], site => ToInt(site.Value(0)));
        add("float", F, ["value"], site => ToFloat(site.Value(0)));
        add("random", F, ["from", "to"], site => site.Count == 0
            ? Random.Shared.NextDouble()
            : Random.Shared.NextInt64(site.Int(0), site.Int(1) + 1));
        add("bitwiseAnd", F, ["left", "right"], site => site.Int(0) & site.Int(1));
        add("bitwiseOr", F, ["left", "right"], site => site.Int(0) | site.Int(1));
        add("bitwiseXor", F, ["left", "right"], site => site.Int(0) ^ site.Int(1));
        add("bitwiseNot", F, ["arg"], site => ~site.Int(0));
        add("shiftBitsLeft", F, ["value", "bitsNumber"], site => YaqlNumbers.Normalize(new BigInteger(site.Int(0)) << (int)site.Int(1)));
        add("shiftBitsRight", F, ["value", "bitsNumber"], site => site.Int(0) >> (int)site.Int(1));
        add("pow", F, ["a", "b", "c"], site =>
        {
            var (a, b) = (site.Value(0), site.Value(1));
            if (YaqlNumbers.IsInteger(a) && YaqlNumbers.IsInteger(b) && YaqlNumbers.Big(b!) >= 0)
            {
                var result = site.Has(2) && site.Value(2) is { } modulus
                    ? BigInteger.ModPow(YaqlNumbers.Big(a!), YaqlNumbers.Big(b!), YaqlNumbers.Big(modulus))
                    : BigInteger.Pow(YaqlNumbers.Big(a!), (int)YaqlNumbers.Big(b!));
                return YaqlNumbers.Normalize(result);
            }

            return YaqlEquality.IsNumber(a) && YaqlEquality.IsNumber(b) ? Math.Pow(YaqlNumbers.Float(a!), YaqlNumbers.Float(b!)) : throw site.NoMatch();
        });
        add("sign", F, ["num"], site => site.Value(0) is { } n && YaqlEquality.IsNumber(n) ? (long)YaqlNumbers.Compare(n, 0L) : throw site.NoMatch());
        add("round", F, ["number", "ndigits"], site =>
        {
            var value = site.Value(0);
            if (YaqlNumbers.IsInteger(value) && !site.Has(1))
            {
                return value;
            }

            var rounded = Math.Round(YaqlNumbers.Float(value ?? throw site.NoMatch()), (int)site.IntOr(1, 0), MidpointRounding.ToEven);
            return site.Has(1) ? rounded : (object)(long)rounded;
        });
        add("isInteger", F, ["value"], site => site.Value(0) is long or BigInteger);
        add("isNumber", F, ["value"], site => site.Value(0) is long or BigInteger or double);
    }

    private static object ToInt(object? value) => value switch
    {
        null => 0L,
        bool b => b ? 1L : 0L,
        long or BigInteger => value,
        double d => double.IsFinite(d) ? YaqlNumbers.Normalize(new BigInteger(Math.Truncate(d))) : throw Fail($"int() of {YaqlText.PyRepr(d)}"),
        string s when BigInteger.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && s.Trim().Length > 0 =>
            YaqlNumbers.Normalize(parsed),
        string s => throw Fail($"int() of a string that is not an integer: {YaqlText.PyRepr(s)}"),
        _ => throw Fail($"int() of a {YaqlText.TypeName(value)}"),
    };

    private static double ToFloat(object? value) => value switch
    {
        null => 0.0,
        bool or long or BigInteger or double => YaqlNumbers.Float(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        string s => throw Fail($"float() of a string that is not a number: {YaqlText.PyRepr(s)}"),
        _ => throw Fail($"float() of a {YaqlText.TypeName(value)}"),
    };
}
