using System.Numerics;

namespace Hearth.Templates.Yaql;

/// <summary>Python's <c>==</c>, <c>hash()</c> and ordering over yaql values (1 == 1.0 == true; tuples by items).</summary>
internal sealed class YaqlEquality : IEqualityComparer<object>
{
    public static readonly YaqlEquality Instance = new();

    public static bool IsNumber(object? value) => value is long or double or BigInteger or bool;

    public static new bool Equals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return YaqlNumbers.Compare(a, b) == 0;
        }

        switch (a)
        {
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case object?[] la:
                return b is object?[] lb && la.Length == lb.Length && la.Zip(lb).All(p => Equals(p.First, p.Second));
            case YaqlDict da:
                return b is YaqlDict db && da.Count == db.Count && da.All(kv => db.TryGet(kv.Key, out var other) && Equals(kv.Value, other));
            case YaqlSet sa2:
                return b is YaqlSet sb2 && sa2.Count == sb2.Count && sa2.All(sb2.Contains);
            default:
                return a.Equals(b);
        }
    }

    public static bool IsHashable(object? value) => value switch
    {
        object?[] items => items.All(IsHashable),
        YaqlDict dict => dict.Frozen && dict.Values.All(IsHashable),
        _ => true,
    };

    public static object? RequireHashable(object? value) => IsHashable(value)
        ? value
        : throw new YaqlEvaluationException($"unhashable type: a {YaqlText.TypeName(value)} cannot be a set item or a map key");

    bool IEqualityComparer<object>.Equals(object? x, object? y) => Equals(x, y);

    public int GetHashCode(object obj) => Hash(obj);

    private static int Hash(object? value) => value switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        BigInteger big => big.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        string s => StringComparer.Ordinal.GetHashCode(s),
        object?[] items => items.Aggregate(17, (h, item) => unchecked(h * 31 + Hash(item))),
        YaqlDict dict => dict.Aggregate(0, (h, kv) => h ^ Hash(kv.Key)),
        YaqlSet set => set.Aggregate(0, (h, item) => h ^ Hash(item)),
        _ => value.GetHashCode(),
    };

    /// <summary>yaql's <c>&lt;</c>/<c>&gt;</c>: numbers, strings, datetimes; null is less than anything; else an error.</summary>
    public static int Compare(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return YaqlNumbers.Compare(a, b);
        }

        return (a, b) switch
        {
            (string sa, string sb) => Math.Sign(string.CompareOrdinal(sa, sb)),
            (DateTime da, DateTime db) => da.CompareTo(db),
            (TimeSpan ta, TimeSpan tb) => ta.CompareTo(tb),
            _ => throw new YaqlEvaluationException(
                $"cannot compare a {YaqlText.TypeName(a)} with a {YaqlText.TypeName(b)}"),
        };
    }
}
