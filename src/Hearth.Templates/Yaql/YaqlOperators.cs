using System.Collections.Immutable;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Hearth.Templates.Yaql;

/// <summary>yaql's operators over its values (the <c>#operator_*</c> functions of the standard library).</summary>
internal static class YaqlOperators
{
    /// <summary>Python's truth value; an iterator is always true, as in Python.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        BigInteger big => !big.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        object?[] items => items.Length > 0,
        YaqlDict dict => dict.Count > 0,
        YaqlSet set => set.Count > 0,
        TimeSpan t => t != TimeSpan.Zero,
        _ => true,
    };

    public static object? Unary(string op, object? operand) => (op, operand) switch
    {
        ("not", _) => !Truthy(operand),
        ("-", TimeSpan t) => -t,
        ("+", TimeSpan t) => t,
        ("-", _) when IsNumber(operand) => YaqlNumbers.Negate(operand!),
        ("+", _) when IsNumber(operand) => operand,
        _ => throw NoOperator(op, operand),
    };

    private static bool IsNumber(object? value) => value is long or double or BigInteger;

    public static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "=":
                return YaqlEquality.Equals(left, right);
            case "!=":
                return !YaqlEquality.Equals(left, right);
            case "<" or ">" or "<=" or ">=":
                return Compare(op, left, right);
            case "in":
                return right switch
                {
                    string text when left is string part => text.Contains(part, StringComparison.Ordinal),
                    YaqlSet set => set.Contains(left),
                    object?[] or YaqlLazy => ((IEnumerable<object?>)right).Any(item => YaqlEquality.Equals(item, left)),
                    _ => throw NoOperator(op, left, right),
                };
            case "=~" or "!~":
                if (left is not string subject || right is not (string or Regex))
                {
                    throw NoOperator(op, left, right);
                }

                var found = (right as Regex ?? YaqlRegex.Compile((string)right)).IsMatch(subject);
                return op == "=~" ? found : !found;
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return op switch
            {
                "+" => YaqlNumbers.Add(left!, right!),
                "-" => YaqlNumbers.Subtract(left!, right!),
                "*" => YaqlNumbers.Multiply(left!, right!),
                "/" => YaqlNumbers.Divide(left!, right!),
                "mod" => YaqlNumbers.Modulo(left!, right!),
                _ => throw NoOperator(op, left, right),
            };
        }

        return (op, left, right) switch
        {
            ("+", string a, string b) => a + b,
            ("+", YaqlDict a, YaqlDict b) => Merge(a, b),
            ("+", _, _) when YaqlIterables.IsIterable(left) && YaqlIterables.IsIterable(right) =>
                new YaqlLazy(((IEnumerable<object?>)left!).Concat((IEnumerable<object?>)right!)),
            ("*", string s, long n) => Repeat(s, n),
            ("*", long n, string s) => Repeat(s, n),
            ("*", object?[] items, long n) => Enumerable.Repeat(items, (int)Math.Max(0, n)).SelectMany(x => x).ToArray(),
            ("*", long n, object?[] items) => Enumerable.Repeat(items, (int)Math.Max(0, n)).SelectMany(x => x).ToArray(),
            ("+", DateTime d, TimeSpan t) => d + t,
            ("+", TimeSpan t, DateTime d) => d + t,
            ("+", TimeSpan a, TimeSpan b) => a + b,
            ("-", DateTime a, DateTime b) => a - b,
            ("-", DateTime d, TimeSpan t) => d - t,
            ("-", TimeSpan a, TimeSpan b) => a - b,
            ("*", TimeSpan t, _) when IsNumber(right) => t * YaqlNumbers.Float(right!),
            ("*", _, TimeSpan t) when IsNumber(left) => t * YaqlNumbers.Float(left!),
            ("/", TimeSpan a, TimeSpan b) => a / b,
            ("/", TimeSpan t, _) when IsNumber(right) => t / YaqlNumbers.Float(right!),
            _ => throw NoOperator(op, left, right),
        };
    }

    private static string Repeat(string s, long n)
    {
        if (n <= 0)
        {
            return "";
        }

        if (s.Length * n > 100_000_000)
        {
            throw new YaqlEvaluationException("the string repetition is too large");
        }

        return string.Concat(Enumerable.Repeat(s, (int)n));
    }

    private static YaqlDict Merge(YaqlDict a, YaqlDict b)
    {
        var result = a.Copy(frozen: true);
        foreach (var (key, value) in b)
        {
            result.Set(key, value);
        }

        return result;
    }

    private static bool Compare(string op, object? left, object? right)
    {
        if (left is YaqlSet a && right is YaqlSet b)
        {
            var subset = a.All(b.Contains);
            var superset = b.All(a.Contains);
            return op switch
            {
                "<" => subset && a.Count < b.Count,
                "<=" => subset,
                ">" => superset && a.Count > b.Count,
                _ => superset,
            };
        }

        if (left is not null && right is not null && !(IsNumber(left) && IsNumber(right)) && left.GetType() != right.GetType())
        {
            throw NoOperator(op, left, right);
        }

        var order = YaqlEquality.Compare(left, right);
        return op switch
        {
            "<" => order < 0,
            ">" => order > 0,
            "<=" => order <= 0,
            _ => order >= 0,
        };
    }

    public static object? Index(YaqlEvaluator evaluator, object? target, ImmutableArray<YaqlNode> arguments, YaqlScope scope)
    {
        var args = arguments.Select(a => a is YaqlNoValue ? throw new YaqlEvaluationException("an empty index") : evaluator.Eval(a, scope)).ToArray();
        switch (target)
        {
            case YaqlDict dict when args.Length is 1 or 2:
                if (dict.TryGet(args[0], out var value))
                {
                    return value;
                }

                return args.Length == 2 ? args[1] : throw new YaqlEvaluationException($"the map has no key {YaqlText.PyRepr(args[0])}");
            case object?[] items when args.Length == 1:
                if (args[0] is not (long or bool or BigInteger))
                {
                    throw new YaqlEvaluationException($"a list is indexed by an integer, not a {YaqlText.TypeName(args[0])}");
                }

                var index = YaqlNumbers.Big(args[0]!);
                if (index < 0)
                {
                    index += items.Length;
                }

                return index >= 0 && index < items.Length
                    ? items[(int)index]
                    : throw new YaqlEvaluationException($"index {args[0]} is out of range (the list has {items.Length} items)");
            default:
                throw new YaqlEvaluationException($"a {YaqlText.TypeName(target)} cannot be indexed with [{string.Join(", ", args.Select(YaqlText.TypeName))}]");
        }
    }

    public static YaqlDict BuildMap(YaqlEvaluator evaluator, ImmutableArray<YaqlNode> items, YaqlScope scope)
    {
        var dict = new YaqlDict();
        foreach (var item in items)
        {
            if (item is not YaqlMappingRule rule)
            {
                throw new YaqlEvaluationException("a map literal holds only key => value pairs");
            }

            dict.Set(evaluator.Eval(rule.Source, scope), evaluator.Eval(rule.Destination, scope));
        }

        return dict;
    }

    private static YaqlEvaluationException NoOperator(string op, object? operand) =>
        new($"the operator '{op}' does not apply to a {YaqlText.TypeName(operand)}");

    private static YaqlEvaluationException NoOperator(string op, object? left, object? right) =>
        new($"the operator '{op}' does not apply to a {YaqlText.TypeName(left)} and a {YaqlText.TypeName(right)}");
}
