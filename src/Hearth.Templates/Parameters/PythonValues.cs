using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Parameters;

/// <summary>Python's conversions that Heat applies to parameter values: int()/float(), bool_from_string, json.loads, re.match.</summary>
internal static partial class PythonValues
{
    private static readonly string[] TrueStrings = ["1", "t", "true", "on", "y", "yes"];
    private static readonly string[] FalseStrings = ["0", "f", "false", "off", "n", "no"];

    /// <summary>oslo's strict bool_from_string message lists the accepted strings sorted.</summary>
    public static readonly string AcceptableBooleans =
        string.Join(", ", TrueStrings.Concat(FalseStrings).Order(StringComparer.Ordinal).Select(s => $"'{s}'"));

    /// <summary>Heat's <c>Schema.str_to_num</c>: numbers as they are, strings through <c>int()</c>, else <c>float()</c>.</summary>
    public static bool TryToNumber(object? value, out object? number)
    {
        switch (value)
        {
            case long or double:
                number = value;
                return true;
            case int i:
                number = (long)i;
                return true;
            case string s:
                return TryParseNumber(s, out number);
            default:
                number = null;
                return false;
        }
    }

    private static bool TryParseNumber(string text, out object? number)
    {
        number = null;
        var s = text.Trim();
        if (IntegerSyntax().IsMatch(s))
        {
            var digits = s.Replace("_", "", StringComparison.Ordinal);
            if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                number = l;
                return true;
            }

            // Python ints are unbounded; beyond 64 bits Hearth keeps the nearest float.
            number = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }

        var lower = s.ToLowerInvariant();
        var unsigned = lower.TrimStart('+', '-');
        var negative = lower.StartsWith('-');
        if (lower.Length - unsigned.Length <= 1 && unsigned is "inf" or "infinity" or "nan")
        {
            number = unsigned == "nan" ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (FloatSyntax().IsMatch(s) && s.Any(char.IsAsciiDigit))
        {
            number = double.Parse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"^[+-]?[0-9](_?[0-9])*$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerSyntax();

    [GeneratedRegex(@"^[+-]?([0-9](_?[0-9])*)?(\.([0-9](_?[0-9])*)?)?([eE][+-]?[0-9](_?[0-9])*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatSyntax();

    /// <summary>oslo_utils <c>bool_from_string(value, strict=True)</c> on <c>str(value)</c>.</summary>
    public static bool TryToBoolean(object? value, out bool result, out string error)
    {
        error = "";
        if (value is bool b)
        {
            result = b;
            return true;
        }

        var text = Value.ToPythonString(value);
        var lowered = text.Trim().ToLowerInvariant();
        if (TrueStrings.Contains(lowered))
        {
            result = true;
            return true;
        }

        if (FalseStrings.Contains(lowered))
        {
            result = false;
            return true;
        }

        result = false;
        error = $"Unrecognized value '{text}', acceptable values are: {AcceptableBooleans}";
        return false;
    }

    /// <summary>Python's <c>json.loads</c> into template values (maps keep their order, integers stay integers).</summary>
    public static bool TryParseJson(string text, out object? value, out string error)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
            value = ValueJson.Read(document.RootElement);
            error = "";
            return true;
        }
        catch (JsonException ex)
        {
            value = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Python's <c>%</c> on numbers: the result takes the sign of the divisor.</summary>
    public static double Modulo(double value, long step)
    {
        var r = value % step;
        if (r != 0 && (r < 0) != (step < 0))
        {
            r += step;
        }

        return r;
    }
}
