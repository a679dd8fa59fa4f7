using System.Globalization;
using System.Numerics;
using Hearth.Templates.Values;

namespace Hearth.Templates.Yaql;

/// <summary>
/// Template values in and out of yaql as Heat converts them: lists become tuples and maps frozen dicts; on the way
/// out tuples, iterators and sets become lists (every collection checked against the iteration limit), datetimes
/// text, and non-string map keys their JSON text (<c>4</c> → "4", null → "null").
/// </summary>
internal static class YaqlData
{
    public static object? FromTemplate(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => FromMap(map),
        string s => s,
        IReadOnlyList<object?> list => list.Select(FromTemplate).ToArray(),
        int i => (long)i,
        _ => value,
    };

    private static YaqlDict FromMap(IReadOnlyDictionary<string, object?> map)
    {
        var dict = new YaqlDict();
        foreach (var (key, item) in map)
        {
            dict.Set(key, FromTemplate(item));
        }

        return dict;
    }

    public static object? ToTemplate(object? value, YaqlLimits limits)
    {
        switch (value)
        {
            case null or string or bool or long or double:
                return value;
            case BigInteger big:
                return (double)big;
            case DateTime date:
                return date.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            case YaqlDict dict:
                CheckCount(dict.Count, limits);
                var map = Value.NewMap();
                foreach (var (key, item) in dict)
                {
                    map[KeyText(ToTemplate(key, limits))] = ToTemplate(item, limits);
                }

                return map;
            case YaqlSet or YaqlView { IsSet: true }:
                var set = ((IEnumerable<object?>)value).ToArray();
                CheckCount(set.Length, limits);
                var items = new List<object?>(set.Length);
                foreach (var item in set)
                {
                    var converted = ToTemplate(item, limits);
                    if (converted is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>)
                    {
                        throw new YaqlEvaluationException($"the result is a set holding a {YaqlText.TypeName(item)}, which Python cannot hash (unhashable type)");
                    }

                    items.Add(converted);
                }

                return items;
            case object?[] array:
                CheckCount(array.Length, limits);
                return array.Select(item => ToTemplate(item, limits)).ToList();
            case IEnumerable<object?> sequence:
                return YaqlIterables.Limit(sequence, limits).Select(item => ToTemplate(item, limits)).ToList();
            default:
                return YaqlText.PyStr(value);
        }
    }

    private static void CheckCount(int count, YaqlLimits limits)
    {
        if (limits.LimitIterators >= 0 && count > limits.LimitIterators)
        {
            throw YaqlIterables.TooLarge(limits);
        }
    }

    /// <summary>json.dumps of a non-string key.</summary>
    private static string KeyText(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Value.FormatPythonFloat(d),
        _ => throw new YaqlEvaluationException($"a {Value.TypeName(key)} cannot be a map key of the result (unhashable type)"),
    };

    /// <summary>sys.getsizeof of the value as CPython 3 reports it (the quota counts the outer object only).</summary>
    public static long SizeOf(object? value) => value switch
    {
        string s => StringSize(s),
        object?[] items => 40 + 8L * items.Length,
        YaqlDict { Frozen: true } => 48,
        YaqlDict dict => DictSize(dict.Count),
        YaqlSet set => SetSize(set.Count),
        BigInteger big => 24 + 4L * ((big.GetByteCount() + 3) / 4),
        _ => 32,
    };

    private static long StringSize(string s)
    {
        var max = 0;
        foreach (var c in s)
        {
            max = Math.Max(max, c);
        }

        return max < 128 ? 49 + s.Length : max < 256 ? 73 + s.Length : s.Any(char.IsSurrogate) ? 76 + 4L * s.Length : 74 + 2L * s.Length;
    }

    private static long DictSize(int count)
    {
        if (count == 0)
        {
            return 64;
        }

        long size = 184;
        var capacity = 5;
        while (count > capacity)
        {
            capacity = capacity * 2 + 1;
            size = size * 2 - 96;
        }

        return size;
    }

    private static long SetSize(int count)
    {
        long size = 216;
        var capacity = 4;
        while (count > capacity)
        {
            capacity = capacity * 4 + 2;
            size = (size - 88) * 4 + 88;
        }

        return size;
    }
}
