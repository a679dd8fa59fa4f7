using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Yaql;

/// <summary>Names and text of yaql values as Python shows them (<c>str()</c>, <c>repr()</c>, <c>format</c>).</summary>
internal static class YaqlText
{
    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        bool => "boolean",
        long or BigInteger => "integer",
        double => "number",
        object?[] => "list",
        YaqlDict => "map",
        YaqlSet => "set",
        YaqlLazy => "sequence",
        DateTime => "datetime",
        TimeSpan => "timespan",
        Regex => "regex",
        YaqlScope => "context",
        _ => value.GetType().Name,
    };

    /// <summary>yaql's <c>str()</c>: null, true and false as yaql writes them; anything else as Python's str().</summary>
    public static string YaqlStr(object? value) => value switch
    {
        null => "null",
        true => "true",
        false => "false",
        _ => PyStr(value),
    };

    /// <summary>Python's <c>str()</c>.</summary>
    public static string PyStr(object? value) => value switch
    {
        string s => s,
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture).Replace(".000000", "", StringComparison.Ordinal),
        _ => PyRepr(value),
    };

    public static string PyRepr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger big => big.ToString(CultureInfo.InvariantCulture),
        double d => Value.FormatPythonFloat(d),
        string s => Value.ToPythonRepr(s),
        object?[] { Length: 1 } one => "(" + PyRepr(one[0]) + ",)",
        object?[] items => "(" + string.Join(", ", items.Select(PyRepr)) + ")",
        YaqlDict dict => "{" + string.Join(", ", dict.Select(kv => PyRepr(kv.Key) + ": " + PyRepr(kv.Value))) + "}",
        YaqlSet { Count: 0 } => "frozenset()",
        YaqlSet set => "frozenset({" + string.Join(", ", set.Select(PyRepr)) + "})",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        _ => "<" + TypeName(value) + ">",
    };

    /// <summary>Python's <c>str.format</c> with positional (<c>{}</c>, <c>{0}</c>) and named fields; no format specs but width-free ones.</summary>
    public static string Format(string template, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }

            if (c != '{')
            {
                sb.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i);
            if (end < 0)
            {
                throw new YaqlEvaluationException("format: single '{' encountered in format string");
            }

            var field = template[(i + 1)..end];
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            var name = colon >= 0 ? field[..colon] : field;
            object? value;
            if (name.Length == 0)
            {
                value = auto < args.Count ? args[auto++] : throw new YaqlEvaluationException("format: not enough arguments for the format string");
            }
            else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                value = index < args.Count ? args[index] : throw new YaqlEvaluationException($"format: no argument {index} (index out of range)");
            }
            else
            {
                value = named.TryGetValue(name, out var v) ? v : throw new YaqlEvaluationException($"format: no argument named '{name}'");
            }

            sb.Append(PyStr(value));
            i = end;
        }

        return sb.ToString();
    }
}
