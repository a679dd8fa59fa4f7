using System.Text;
using System.Text.RegularExpressions;
using Hearth.Templates.Parameters;

namespace Hearth.Templates.Yaql;

/// <summary>yaql's regex functions (yaql/standard_library/regex.py) on .NET's engine with Python's pattern syntax.</summary>
internal static class YaqlRegex
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(2);

    public static Regex Compile(string pattern, RegexOptions options = RegexOptions.None)
    {
        try
        {
            return new Regex(PythonRegex.Translate(pattern), options | RegexOptions.CultureInvariant, _timeout);
        }
        catch (ArgumentException e)
        {
            throw new YaqlEvaluationException($"invalid regular expression {YaqlText.PyRepr(pattern)}: {e.Message}");
        }
    }

    /// <summary>A Python replacement template (<c>\1</c>, <c>\g&lt;name&gt;</c>) as .NET's (<c>$1</c>, <c>${name}</c>).</summary>
    public static string Replacement(string repl)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < repl.Length; i++)
        {
            var c = repl[i];
            if (c == '$')
            {
                sb.Append("$$");
            }
            else if (c == '\\' && i + 1 < repl.Length && char.IsAsciiDigit(repl[i + 1]))
            {
                sb.Append("${").Append(repl[i + 1]).Append('}');
                i++;
            }
            else if (c == '\\' && i + 2 < repl.Length && repl[i + 1] == 'g' && repl[i + 2] == '<')
            {
                var end = repl.IndexOf('>', i);
                sb.Append("${").Append(repl, i + 3, end - i - 3).Append('}');
                i = end;
            }
            else if (c == '\\' && i + 1 < repl.Length && repl[i + 1] is 'n' or 't' or '\\')
            {
                sb.Append(repl[i + 1] switch { 'n' => '\n', 't' => '\t', _ => '\\' });
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The match as yaql publishes it: <c>{value, start, end}</c>.</summary>
    public static YaqlDict Record(Group group)
    {
        var dict = new YaqlDict();
        dict.Set("value", group.Success ? group.Value : null);
        dict.Set("start", group.Success ? (long)group.Index : -1L);
        dict.Set("end", group.Success ? (long)(group.Index + group.Length) : -1L);
        return dict;
    }
}

internal static partial class YaqlLibrary
{
    private static void RegisterRegex(Registrar add)
    {
        add("regex", F, ["pattern", "ignoreCase", "multiLine", "dotAll"], site =>
        {
            var options = RegexOptions.None;
            options |= site.Has(1) && YaqlOperators.Truthy(site.Value(1)) ? RegexOptions.IgnoreCase : 0;
            options |= site.Has(2) && YaqlOperators.Truthy(site.Value(2)) ? RegexOptions.Multiline : 0;
            options |= site.Has(3) && YaqlOperators.Truthy(site.Value(3)) ? RegexOptions.Singleline : 0;
            return YaqlRegex.Compile(site.String(0), options);
        });
        add("matches", M, ["regexp", "string"], site => (site.Value(0), site.Value(1)) switch
        {
            (Regex regex, string s) => regex.IsMatch(s),
            (string s, string pattern) => YaqlRegex.Compile(pattern).IsMatch(s),
            _ => throw site.NoMatch(),
        });
        add("search", M, ["regexp", "string", "selector"], site =>
        {
            var regex = site.Value(0) as Regex ?? throw site.NoMatch();
            var match = regex.Match(site.String(1));
            if (!match.Success)
            {
                return null;
            }

            return site.Has(2) ? Publish(site, match) : match.Value;
        });
        add("searchAll", M, ["regexp", "string", "selector"], site =>
        {
            var regex = site.Value(0) as Regex ?? throw site.NoMatch();
            var matches = regex.Matches(site.String(1)).ToArray();
            return Lazy(matches.Select(m => site.Has(2) ? Publish(site, m) : m.Value));
        });
        add("replaceBy", M, ["regexp", "string", "repl", "count"], site =>
        {
            var (regex, s) = site.Value(0) is Regex r ? (r, site.String(1)) : (site.Value(1) as Regex ?? throw site.NoMatch(), site.String(0));
            var count = (int)site.IntOr(3, 0);
            return regex.Replace(s, m => YaqlText.PyStr(Publish(site, m, 2)), count <= 0 ? -1 : count);
        });
        add("escapeRegex", F, ["string"], site => Regex.Escape(site.String(0)));
        add("isRegex", F, ["value"], site => site.Value(0) is Regex);
    }

    private static object? Publish(YaqlCallSite site, Match match, int selectorIndex = 2)
    {
        var scope = site.NewScope();
        scope["$1"] = YaqlRegex.Record(match.Groups[0]);
        for (var i = 1; i < match.Groups.Count; i++)
        {
            scope["$" + (i + 1)] = YaqlRegex.Record(match.Groups[i]);
        }

        return site.EvalIn(site.Node(selectorIndex)!, scope);
    }

    private static object?[] RegexSplit(Regex regex, string s, long maxSplit)
    {
        var parts = new List<object?>();
        var index = 0;
        var splits = 0;
        foreach (Match match in regex.Matches(s))
        {
            if (maxSplit > 0 && splits >= maxSplit)
            {
                break;
            }

            parts.Add(s[index..match.Index]);
            for (var g = 1; g < match.Groups.Count; g++)
            {
                parts.Add(match.Groups[g].Success ? match.Groups[g].Value : null);
            }

            index = match.Index + match.Length;
            splits++;
        }

        parts.Add(s[index..]);
        return [.. parts];
    }

    private static string RegexReplace(YaqlCallSite site, Regex regex, string subject)
    {
        var count = (int)site.IntOr(3, 0);
        return regex.Replace(subject, YaqlRegex.Replacement(site.String(2)), count <= 0 ? -1 : count);
    }
}
