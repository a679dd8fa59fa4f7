using System.Globalization;
using System.Text.RegularExpressions;

namespace Hearth.Templates.Yaql;

/// <summary>yaql's strings (yaql/standard_library/strings.py) with Python's str methods.</summary>
internal static partial class YaqlLibrary
{
    private static void RegisterStrings(Registrar add)
    {
        add("toUpper", M, ["string"], site => site.String(0).ToUpperInvariant());
        add("toLower", M, ["string"], site => site.String(0).ToLowerInvariant());
        add("split", M, ["string", "separator", "maxSplits"], site => site.Value(0) switch
        {
            Regex regex => RegexSplit(regex, site.String(1), site.IntOr(2, 0)),
            string s when site.Has(1) && site.Value(1) is Regex regex => RegexSplit(regex, s, site.IntOr(2, 0)),
            string s => PySplit(s, site.Has(1) ? site.NullableString(1) : null, site.IntOr(2, -1)),
            _ => throw site.NoMatch(),
        });
        add("rightSplit", M, ["string", "separator", "maxSplits"], site =>
            PyRightSplit(site.String(0), site.Has(1) ? site.NullableString(1) : null, site.IntOr(2, -1)));
        add("str", F, ["value"], site => YaqlText.YaqlStr(site.Value(0)));
        add("trim", M, ["string", "chars"], site => PyStrip(site.String(0), site.Has(1) ? site.NullableString(1) : null, true, true));
        add("trimLeft", M, ["string", "chars"], site => PyStrip(site.String(0), site.Has(1) ? site.NullableString(1) : null, true, false));
        add("trimRight", M, ["string", "chars"], site => PyStrip(site.String(0), site.Has(1) ? site.NullableString(1) : null, false, true));
        add("norm", B, ["string", "chars"], site => site.NullableString(0) is { } s
            && PyStrip(s, site.Has(1) ? site.NullableString(1) : null, true, true) is { Length: > 0 } value ? value : null);
        add("isEmpty", B, ["string", "trimSpaces", "chars"], site =>
        {
            var s = site.NullableString(0);
            if (s is null)
            {
                return true;
            }

            var trim = !site.Has(1) || YaqlOperators.Truthy(site.Value(1));
            return (trim ? PyStrip(s, site.Has(2) ? site.NullableString(2) : null, true, true) : s).Length == 0;
        });
        add("format", B, [], site =>
        {
            var values = site.Rest(0).ToArray();
            return YaqlText.Format(values.Length > 0 && values[0] is string template ? template : throw site.NoMatch(), values[1..], site.ExtraNamed());
        }, anyKwargs: true);
        add("substring", M, ["string", "start", "length"], site =>
        {
            var s = site.String(0);
            var start = site.Int(1);
            var length = site.IntOr(2, -1);
            if (length < 0)
            {
                length = s.Length;
            }

            if (start < 0)
            {
                start += s.Length;
            }

            return PySlice(s, start, start + length);
        });
        add("toCharArray", M, ["string"], site => site.String(0).Select(c => (object?)c.ToString()).ToArray());
        add("isString", F, ["arg"], site => site.Value(0) is string);
        add("startsWith", M, ["string"], site =>
        {
            var s = site.String(0);
            return site.Rest(1).Select(p => p as string ?? throw site.NoMatch()).ToArray().Any(p => s.StartsWith(p, StringComparison.Ordinal));
        });
        add("endsWith", M, ["string"], site =>
        {
            var s = site.String(0);
            return site.Rest(1).Select(p => p as string ?? throw site.NoMatch()).ToArray().Any(p => s.EndsWith(p, StringComparison.Ordinal));
        });
        add("hex", F, ["num"], site => site.Value(0) is long l
            ? (l < 0 ? "-0x" + (-l).ToString("x", CultureInfo.InvariantCulture) : "0x" + l.ToString("x", CultureInfo.InvariantCulture))
            : throw site.NoMatch());
        add("characters", F, [], site => throw Fail("characters() is not supported by Hearth"));
    }

    private static string StringJoin(YaqlCallSite site) => (site.Value(0), site.Value(1)) switch
    {
        (string separator, var sequence) when YaqlIterables.IsIterable(sequence) =>
            string.Join(separator, site.Iterable(1).Select(YaqlText.YaqlStr)),
        (var sequence, string separator) when YaqlIterables.IsIterable(sequence) =>
            string.Join(separator, site.Iterable(0).Select(YaqlText.YaqlStr)),
        _ => throw site.NoMatch(),
    };

    private static object? StringIndexOf(YaqlCallSite site, bool last)
    {
        var s = site.String(0);
        var sub = site.String(1);
        var start = site.IntOr(2, 0);
        var end = (long)s.Length;
        if (site.Has(3))
        {
            if (start < 0)
            {
                start += s.Length;
            }

            var length = site.Int(3);
            if (length < 0)
            {
                length = s.Length - start;
            }

            end = start + length;
        }

        start = start < 0 ? Math.Max(0, start + s.Length) : Math.Min(start, s.Length);
        end = end < 0 ? Math.Max(0, end + s.Length) : Math.Min(end, s.Length);
        if (end < start || end - start < sub.Length)
        {
            return -1L;
        }

        var window = s[(int)start..(int)end];
        var found = last ? window.LastIndexOf(sub, StringComparison.Ordinal) : window.IndexOf(sub, StringComparison.Ordinal);
        return found < 0 ? -1L : found + start;
    }

    private static string StringReplace(YaqlCallSite site)
    {
        var s = site.String(0);
        if (site.Value(1) is YaqlDict replacements)
        {
            var count = site.IntOr(2, -1);
            foreach (var (key, value) in replacements)
            {
                s = PyReplace(s, YaqlText.YaqlStr(key), YaqlText.YaqlStr(value), count);
            }

            return s;
        }

        if (site.Value(1) is Regex regex)
        {
            return RegexReplace(site, regex, s);
        }

        return PyReplace(s, site.String(1), site.String(2), site.IntOr(3, -1));
    }

    private static string PyReplace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? string.Join(replacement, ["", .. s.Select(c => c.ToString()), ""]) : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var result = new System.Text.StringBuilder();
        var index = 0;
        for (var n = 0; n < count; n++)
        {
            var found = s.IndexOf(old, index, StringComparison.Ordinal);
            if (found < 0 || old.Length == 0)
            {
                break;
            }

            result.Append(s, index, found - index).Append(replacement);
            index = found + old.Length;
        }

        return result.Append(s, index, s.Length - index).ToString();
    }

    private static string PySlice(string s, long start, long end)
    {
        start = Math.Clamp(start < 0 ? start + s.Length : start, 0, s.Length);
        end = Math.Clamp(end < 0 ? end + s.Length : end, 0, s.Length);
        return end <= start ? "" : s[(int)start..(int)end];
    }

    private static string PyStrip(string s, string? chars, bool left, bool right)
    {
        Func<char, bool> strip = chars is null ? char.IsWhiteSpace : chars.Contains;
        var start = 0;
        var end = s.Length;
        while (left && start < end && strip(s[start]))
        {
            start++;
        }

        while (right && end > start && strip(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    private static object?[] PySplit(string s, string? separator, long maxSplits)
    {
        if (separator is null)
        {
            var parts = new List<object?>();
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxSplits >= 0 && parts.Count == maxSplits)
                {
                    parts.Add(s[i..].TrimEnd());
                    break;
                }

                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                parts.Add(s[start..i]);
            }

            return [.. parts];
        }

        if (separator.Length == 0)
        {
            throw Fail("split(): empty separator");
        }

        return maxSplits < 0
            ? s.Split(separator).Cast<object?>().ToArray()
            : s.Split(separator, (int)Math.Min(int.MaxValue, maxSplits + 1)).Cast<object?>().ToArray();
    }

    private static object?[] PyRightSplit(string s, string? separator, long maxSplits)
    {
        if (maxSplits < 0 || separator is null && maxSplits < 0)
        {
            return PySplit(s, separator, -1);
        }

        if (separator is null)
        {
            var words = PySplit(s, null, -1).Cast<string>().ToList();
            if (words.Count <= maxSplits + 1)
            {
                return [.. words];
            }

            var keep = words.Count - (int)maxSplits;
            var trimmed = s.TrimEnd();
            var index = trimmed.Length;
            for (var w = words.Count - 1; w >= keep; w--)
            {
                index = trimmed.LastIndexOf(words[w], index - 1, StringComparison.Ordinal);
            }

            return [trimmed[..index].TrimEnd(), .. words.Skip(keep)];
        }

        if (separator.Length == 0)
        {
            throw Fail("rightSplit(): empty separator");
        }

        var result = new List<object?>();
        var end = s.Length;
        while (maxSplits-- > 0)
        {
            var found = end - separator.Length < 0 ? -1 : s.LastIndexOf(separator, end - 1, end, StringComparison.Ordinal);
            if (found < 0 || found + separator.Length > end)
            {
                break;
            }

            result.Insert(0, s[(found + separator.Length)..end]);
            end = found;
        }

        result.Insert(0, s[..end]);
        return [.. result];
    }
}
