using System.Text;
using System.Text.RegularExpressions;

namespace Hearth.Templates.Parameters;

/// <summary>
/// Python <c>re</c> patterns run on .NET's engine. Both are backtracking engines with the same leftmost-first
/// alternation, so <c>re.match</c> is reproduced by anchoring at the start and then requiring, as Heat does, that the
/// match found ends at the end of the value (so <c>a|ab</c> does not accept "ab", exactly as in Heat).
/// Syntax translated: <c>(?P&lt;n&gt;…)</c>, <c>(?P=n)</c>, <c>\Z</c>, <c>{,n}</c>.
/// Known gaps: Python-only flags and escapes (<c>(?a)</c>, <c>(?L)</c>) and .NET-only syntax (<c>\p{…}</c>, balancing
/// groups) are not rejected the way Python would; Unicode classes follow .NET's tables.
/// </summary>
internal static class PythonRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public static bool TryCompile(string pattern, out Regex? regex, out string error)
    {
        try
        {
            regex = new Regex(@"\A(?:" + Translate(pattern) + ")", RegexOptions.CultureInvariant, MatchTimeout);
            error = "";
            return true;
        }
        catch (ArgumentException ex)
        {
            regex = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Python's <c>m = re.match(p, v); m is not None and m.end() == len(v)</c>.</summary>
    public static bool MatchesWhole(Regex regex, string value)
    {
        try
        {
            var match = regex.Match(value);
            return match.Success && match.Index + match.Length == value.Length;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    internal static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                sb.Append(!inClass && next == 'Z' ? @"\z" : pattern.Substring(i, 2));
                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                sb.Append(c);

                // A ']' (or '^]') right after '[' is a literal in both dialects.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append(@"\]");
                    i++;
                }

                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                sb.Append("(?<");
                i += 3;
                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P=", 0, 4) == 0)
            {
                var close = pattern.IndexOf(')', i);
                if (close > 0)
                {
                    sb.Append(@"\k<").Append(pattern, i + 4, close - i - 4).Append('>');
                    i = close;
                    continue;
                }
            }

            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == ',')
            {
                // Python reads {,n} as {0,n}; .NET would read it as literal text.
                var close = pattern.IndexOf('}', i);
                if (close > i + 2 && pattern[(i + 2)..close].All(char.IsAsciiDigit))
                {
                    sb.Append("{0");
                    continue;
                }
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
