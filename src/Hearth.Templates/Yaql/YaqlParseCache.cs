using System.Collections.Concurrent;

namespace Hearth.Templates.Yaql;

/// <summary>
/// The parsed form of each yaql expression text of one template (TripleO repeats the same expressions many times):
/// owned by the template's <see cref="Expressions.ExpressionParser"/>, so an expression is parsed once per template.
/// </summary>
public sealed class YaqlParseCache
{
    private readonly ConcurrentDictionary<string, (YaqlNode? Node, YaqlSyntaxException? Error)> _parsed = new(StringComparer.Ordinal);

    /// <summary>The expression's tree, or its syntax error (parsed at the first request only).</summary>
    public (YaqlNode? Node, YaqlSyntaxException? Error) Parse(string text) => _parsed.GetOrAdd(text, static t =>
    {
        try
        {
            return (YaqlParser.Parse(t), null);
        }
        catch (YaqlSyntaxException e)
        {
            return (null, e);
        }
    });
}
