using System.Globalization;
using System.Text;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>make_url: {scheme, username, password, host, port, path, query, fragment}</c>: a correctly escaped URL, built
/// with Python's urllib rules (quote, urlencode, urlunsplit) so that the result is the one Heat gives.
/// </summary>
internal sealed class MakeUrlFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    private static readonly string[] _keys = ["scheme", "username", "password", "host", "port", "path", "query", "fragment"];

    // urllib.parse.uses_netloc: schemes whose URLs get "//" even without a host.
    private static readonly HashSet<string> _usesNetloc =
    [
        "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews",
        "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss",
    ];

    public override void Validate(ValidationContext context)
    {
        base.Validate(context);
        var entries = FunctionArguments.AsMap(Arguments);
        if (entries is null)
        {
            context.Report(Error($"The arguments to \"{Name}\" must be a map of {string.Join(", ", _keys)}"));
            return;
        }

        var invalid = entries.Select(e => e.Key).Where(k => !_keys.Contains(k)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (invalid.Count > 0)
        {
            context.Report(Error($"Invalid arguments to \"{Name}\": {string.Join(", ", invalid)} (allowed: {string.Join(", ", _keys)})"));
            return;
        }

        try
        {
            var literal = Value.NewMap();
            foreach (var entry in entries.Where(e => !FunctionArguments.IsComputed(e.Value)))
            {
                literal[entry.Key] = FunctionArguments.LiteralOr(entry.Value, null);
            }

            CheckArguments(literal);
        }
        catch (Diagnostics.TemplateException e)
        {
            context.Report(e);
        }
    }

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (arguments is not IReadOnlyDictionary<string, object?> args)
        {
            throw Error($"The arguments to \"{Name}\" must be a map, not {Value.TypeName(arguments)}");
        }

        CheckArguments(args);
        var scheme = Text(args, "scheme");
        if (scheme.Contains(':', StringComparison.Ordinal))
        {
            throw Error($"URL \"scheme\" should not contain ':' (got \"{scheme}\")");
        }

        var netloc = new StringBuilder();
        var username = Quote(Text(args, "username"), "");
        var password = Quote(Text(args, "password"), "");
        if (username.Length > 0 || password.Length > 0)
        {
            netloc.Append(username);
            if (password.Length > 0)
            {
                netloc.Append(':').Append(password);
            }

            netloc.Append('@');
        }

        var host = Text(args, "host");
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        host = Quote(host, ":");
        netloc.Append(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host);
        if (args.GetValueOrDefault("port") is { } port && FunctionArguments.IsTruthy(port))
        {
            netloc.Append(':').Append(Value.ToPythonString(port));
        }

        var path = Quote(Text(args, "path"), "/");
        var query = args.GetValueOrDefault("query") is IReadOnlyDictionary<string, object?> queryMap
            ? UrlEncode(queryMap).Replace("%2F", "/", StringComparison.Ordinal)
            : "";
        var fragment = Quote(Text(args, "fragment"), "/");
        return UrlUnsplit(scheme, netloc.ToString(), path, query, fragment);
    }

    private void CheckArguments(IReadOnlyDictionary<string, object?> args)
    {
        foreach (var key in _keys)
        {
            if (!args.TryGetValue(key, out var value))
            {
                continue;
            }

            switch (key)
            {
                case "query" when value is not IReadOnlyDictionary<string, object?>:
                    throw Error($"The \"query\" argument to \"{Name}\" must be a map, not {Value.TypeName(value)}");
                case "query":
                    break;
                case "port":
                    var number = value switch
                    {
                        long or int => FunctionArguments.ToPythonInt(value),
                        string or double or bool => FunctionArguments.ToPythonInt(value),
                        _ => null,
                    } ?? throw Error($"Invalid URL port \"{Value.ToPythonString(value)}\" for {Name}: a port is an integer from 1 to 65535");
                    if (number is < 1 or > 65535)
                    {
                        throw Error($"Invalid URL port {number}, must be in range 1-65535");
                    }

                    break;
                default:
                    if (value is not string)
                    {
                        throw Error($"The \"{key}\" argument to \"{Name}\" must be a string, not {Value.TypeName(value)}");
                    }

                    break;
            }
        }
    }

    private static string Text(IReadOnlyDictionary<string, object?> args, string key) =>
        args.GetValueOrDefault(key) as string ?? "";

    /// <summary>Python's <c>urllib.parse.quote(text, safe)</c>: UTF-8, uppercase escapes, letters, digits and <c>_.-~</c> always safe.</summary>
    internal static string Quote(string text, string safe)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' || safe.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>quote_plus(text, safe='')</c>: as <see cref="Quote"/>, with spaces as <c>+</c>.</summary>
    internal static string QuotePlus(string text) => Quote(text, " ").Replace(' ', '+');

    /// <summary>Python's <c>urlencode(map)</c> (keys and values through <c>str()</c>, then quote_plus), in map order.</summary>
    internal static string UrlEncode(IReadOnlyDictionary<string, object?> query) =>
        string.Join("&", query.Select(kv => QuotePlus(kv.Key) + "=" + QuotePlus(Value.ToPythonString(kv.Value))));

    /// <summary>Python's <c>urlunsplit</c> (3.11).</summary>
    internal static string UrlUnsplit(string scheme, string netloc, string path, string query, string fragment)
    {
        var url = path;
        if (netloc.Length > 0 || (scheme.Length > 0 && _usesNetloc.Contains(scheme) && !url.StartsWith("//", StringComparison.Ordinal)))
        {
            if (url.Length > 0 && url[0] != '/')
            {
                url = "/" + url;
            }

            url = "//" + netloc + url;
        }

        if (scheme.Length > 0)
        {
            url = scheme + ":" + url;
        }

        if (query.Length > 0)
        {
            url += "?" + query;
        }

        if (fragment.Length > 0)
        {
            url += "#" + fragment;
        }

        return url;
    }
}
