using System.Globalization;
using System.Text;

namespace Hearth.Templates.Values;

/// <summary>
/// Helpers over template values. A value is null, <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, a list (<see cref="IReadOnlyList{T}"/> of values) or a map (<see cref="IReadOnlyDictionary{TKey,TValue}"/>
/// from string, insertion-ordered). Values are never mutated once built. Formatting follows Python's, because
/// Heat's results (str(), json.dumps) are what users compare against.
/// </summary>
public static class Value
{
    public static bool IsList(object? value) => value is IReadOnlyList<object?>;

    public static bool IsMap(object? value) => value is IReadOnlyDictionary<string, object?>;

    public static bool IsNumber(object? value) => value is long or double or int;

    public static OrderedDictionary<string, object?> NewMap() => new(StringComparer.Ordinal);

    /// <summary>True when the value, or anything inside it, is only known after apply.</summary>
    public static bool ContainsUnknown(object? value) => value switch
    {
        Unknown => true,
        IReadOnlyList<object?> list => list.Any(ContainsUnknown),
        IReadOnlyDictionary<string, object?> map => map.Values.Any(ContainsUnknown),
        _ => false,
    };

    /// <summary>The name of a value's type as a user would read it in a message.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        bool => "boolean",
        long or int => "integer",
        double => "number",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "map",
        _ => value.GetType().Name,
    };

    /// <summary>Equality as Python's <c>==</c> on the decoded values: numbers compare by value (1 == 1.0, True == 1).</summary>
    public static bool DeepEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumeric(a) && IsNumeric(b))
        {
            return ToDouble(a) == ToDouble(b);
        }

        switch (a)
        {
            case string sa:
                return b is string sb && sa == sb;
            case IReadOnlyList<object?> la:
                return b is IReadOnlyList<object?> lb && la.Count == lb.Count && la.Zip(lb).All(p => DeepEquals(p.First, p.Second));
            case IReadOnlyDictionary<string, object?> ma:
                return b is IReadOnlyDictionary<string, object?> mb && ma.Count == mb.Count
                    && ma.All(kv => mb.TryGetValue(kv.Key, out var other) && DeepEquals(kv.Value, other));
            default:
                return a.Equals(b);
        }
    }

    private static bool IsNumeric(object value) => value is long or int or double or bool;

    private static double ToDouble(object value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        int i => i,
        double d => d,
        _ => double.NaN,
    };

    /// <summary>Python's <c>str()</c> of the value: <c>True</c>, <c>None</c>, <c>1.0</c>, <c>['a', 1]</c>.</summary>
    public static string ToPythonString(object? value) => value switch
    {
        string s => s,
        _ => ToPythonRepr(value),
    };

    /// <summary>Python's <c>repr()</c> of the value (strings quoted), as str() shows list and map items.</summary>
    public static string ToPythonRepr(object? value)
    {
        switch (value)
        {
            case null:
                return "None";
            case bool b:
                return b ? "True" : "False";
            case long or int:
                return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            case double d:
                return FormatPythonFloat(d);
            case string s:
                return ReprString(s);
            case IReadOnlyList<object?> list:
                return "[" + string.Join(", ", list.Select(ToPythonRepr)) + "]";
            case IReadOnlyDictionary<string, object?> map:
                return "{" + string.Join(", ", map.Select(kv => ReprString(kv.Key) + ": " + ToPythonRepr(kv.Value))) + "}";
            default:
                return value.ToString() ?? "";
        }
    }

    private static string ReprString(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>Python's float repr: the shortest round-trip digits, scientific below 1e-4 and from 1e16.</summary>
    public static string FormatPythonFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        // "R" gives the shortest round-trip digits, which we re-lay out Python's way.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative)
        {
            shortest = shortest[1..];
        }

        string digits;
        int exponent;
        var eIndex = shortest.IndexOfAny(['E', 'e']);
        var mantissa = eIndex >= 0 ? shortest[..eIndex] : shortest;
        var exp = eIndex >= 0 ? int.Parse(shortest[(eIndex + 1)..], CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - (intPart + fracPart).TrimStart('0').Length;
        exponent = intPart.Length - 1 + exp - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        string text;
        if (exponent < -4 || exponent >= 16)
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            text = m + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (exponent < 0)
        {
            text = "0." + new string('0', -exponent - 1) + digits;
        }
        else if (digits.Length <= exponent + 1)
        {
            text = digits + new string('0', exponent + 1 - digits.Length) + ".0";
        }
        else
        {
            text = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }

        return negative ? "-" + text : text;
    }

    /// <summary>
    /// Python's <c>json.dumps(value, sort_keys=…)</c> with its default separators (", " and ": ") and ASCII escaping,
    /// which is how Heat turns maps and lists into text inside strings.
    /// </summary>
    public static string ToPythonJson(object? value, bool sortKeys = true)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value, sortKeys);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? value, bool sortKeys)
    {
        switch (value)
        {
            case null or Omitted:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or int:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : FormatPythonFloat(d));
                break;
            case string s:
                WriteJsonString(sb, s);
                break;
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    WriteJson(sb, list[i], sortKeys);
                }

                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                IEnumerable<KeyValuePair<string, object?>> entries = sortKeys ? map.OrderBy(kv => kv.Key, StringComparer.Ordinal) : map;
                foreach (var kv in entries)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    WriteJsonString(sb, kv.Key);
                    sb.Append(": ");
                    WriteJson(sb, kv.Value, sortKeys);
                }

                sb.Append('}');
                break;
            default:
                WriteJsonString(sb, value.ToString() ?? "");
                break;
        }
    }

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
