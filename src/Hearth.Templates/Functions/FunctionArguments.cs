using System.Globalization;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Functions;

/// <summary>
/// Shape checks on parsed arguments, as Heat makes them on the unresolved arguments (a written list or map,
/// as opposed to a function that returns one), and the Python rules functions rely on.
/// </summary>
internal static class FunctionArguments
{
    /// <summary>The items of a list written as a list (not computed by a function), or null.</summary>
    public static IReadOnlyList<Expression>? AsList(Expression arguments) => arguments switch
    {
        ListExpression list => list.Items,
        LiteralExpression { Value: IReadOnlyList<object?> items } literal =>
            [.. items.Select(item => (Expression)new LiteralExpression(literal.Span, item))],
        _ => null,
    };

    /// <summary>The entries of a map written as a map (not computed by a function), or null.</summary>
    public static IReadOnlyList<MapExpressionEntry>? AsMap(Expression arguments) => arguments switch
    {
        MapExpression map => map.Entries,
        LiteralExpression { Value: IReadOnlyDictionary<string, object?> entries } literal =>
            [.. entries.Select(kv => new MapExpressionEntry(kv.Key, literal.Span, new LiteralExpression(literal.Span, kv.Value)))],
        _ => null,
    };

    public static Expression? Find(IReadOnlyList<MapExpressionEntry> entries, string key) =>
        entries.LastOrDefault(e => e.Key == key)?.Value;

    /// <summary>True for an argument computed at resolve time (Heat's <c>isinstance(arg, Function)</c>).</summary>
    public static bool IsComputed(Expression expression) => expression is FunctionExpression or InvalidExpression;

    /// <summary>The literal value of an argument that is plain data, or <paramref name="fallback"/> for a computed one.</summary>
    public static object? LiteralOr(Expression expression, object? fallback) =>
        expression is LiteralExpression literal ? literal.Value : fallback;

    /// <summary>Python truthiness: None, False, 0, '', [] and {} are false.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    /// <summary>Python's <c>repr(value)[:200]</c>, as Heat quotes a bad item.</summary>
    public static string ShortRepr(object? value)
    {
        var repr = Value.ToPythonRepr(value);
        return repr.Length > 200 ? repr[..200] : repr;
    }

    /// <summary>Python's <c>int(value)</c> for an int, a bool or a string of digits; null when Python would raise.</summary>
    public static long? ToPythonInt(object? value) => value switch
    {
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            && !s.StartsWith('_') && !s.EndsWith('_') => parsed,
        _ => null,
    };

    /// <summary>Python indexing of a sequence with an int: negative indexes count from the end; null when out of range.</summary>
    public static bool TryIndex(int count, long index, out int position)
    {
        var actual = index < 0 ? index + count : index;
        position = (int)Math.Clamp(actual, -1, int.MaxValue);
        return actual >= 0 && actual < count;
    }
}
