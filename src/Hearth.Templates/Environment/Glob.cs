using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Hearth.Templates.Environment;

/// <summary>Python's <c>fnmatch.fnmatchcase</c>: <c>*</c>, <c>?</c>, <c>[seq]</c>, <c>[!seq]</c>, case-sensitive, whole name.</summary>
internal static class Glob
{
    // Patterns come from users' environment files, and a server reads many over its life: the cache is emptied when it
    // is full rather than growing without bound (a registry has a few patterns; what it asks again is found again).
    private const int MaxCached = 256;

    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>How many patterns are kept (tests).</summary>
    internal static int CachedCount => Cache.Count;

    public static bool IsMatch(string name, string pattern)
    {
        if (!Cache.TryGetValue(pattern, out var regex))
        {
            if (Cache.Count >= MaxCached)
            {
                Cache.Clear();
            }

            regex = Cache.GetOrAdd(pattern, p => new Regex(Translate(p), RegexOptions.CultureInvariant | RegexOptions.Singleline));
        }

        return regex.IsMatch(name);
    }

    private static string Translate(string pattern)
    {
        var sb = new StringBuilder(@"\A(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var j = i + 1;
                    if (j < pattern.Length && pattern[j] == '!')
                    {
                        j++;
                    }

                    if (j < pattern.Length && pattern[j] == ']')
                    {
                        j++;
                    }

                    while (j < pattern.Length && pattern[j] != ']')
                    {
                        j++;
                    }

                    if (j >= pattern.Length)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var body = pattern[(i + 1)..j].Replace(@"\", @"\\", StringComparison.Ordinal);
                    sb.Append('[').Append(body.StartsWith('!') ? "^" + body[1..] : body.StartsWith('^') ? @"\" + body : body).Append(']');
                    i = j;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append(@")\z").ToString();
    }
}
