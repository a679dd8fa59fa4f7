using System.Globalization;
using System.Text.RegularExpressions;

namespace Hearth.Templates.Syntax;

/// <summary>
/// YAML 1.1 implicit typing of plain scalars, as PyYAML's SafeLoader (and so Heat) does it, except timestamps,
/// which Heat keeps as strings (<c>heat_template_version: 2013-05-23</c> stays text).
/// </summary>
internal static partial class YamlScalars
{
    public static object? Resolve(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return true;
            case "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return false;
        }

        if (IntPattern().IsMatch(text))
        {
            return ParseInt(text) ?? (object)text;
        }

        if (FloatPattern().IsMatch(text))
        {
            return ParseFloat(text) ?? (object)text;
        }

        return text;
    }

    private static object? ParseInt(string text)
    {
        var s = text.Replace("_", "", StringComparison.Ordinal);
        var sign = 1L;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }

        try
        {
            if (s == "0")
            {
                return 0L;
            }

            if (s.StartsWith("0b", StringComparison.Ordinal))
            {
                return sign * Convert.ToInt64(s[2..], 2);
            }

            if (s.StartsWith("0x", StringComparison.Ordinal))
            {
                return sign * Convert.ToInt64(s[2..], 16);
            }

            if (s.StartsWith('0'))
            {
                return sign * Convert.ToInt64(s, 8);
            }

            if (s.Contains(':', StringComparison.Ordinal))
            {
                // Base 60 (1:30 == 90), a YAML 1.1 curiosity that PyYAML keeps.
                long value = 0;
                foreach (var part in s.Split(':'))
                {
                    value = (value * 60) + long.Parse(part, CultureInfo.InvariantCulture);
                }

                return sign * value;
            }

            // Box each branch: a plain conditional would make both a double (1 would read as 1.0).
            return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? (object)(sign * n)
                : sign * double.Parse(s, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static object? ParseFloat(string text)
    {
        var s = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var sign = 1.0;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }

        if (s == ".inf")
        {
            return sign * double.PositiveInfinity;
        }

        if (s == ".nan")
        {
            return double.NaN;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            double value = 0;
            foreach (var part in s.Split(':'))
            {
                value = (value * 60) + double.Parse(part, CultureInfo.InvariantCulture);
            }

            return sign * value;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? sign * d : null;
    }

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
