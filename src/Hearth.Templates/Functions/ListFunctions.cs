using Hearth.Templates.Expressions;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>list_join: [delimiter, list]</c>; from 2015-10-15 <c>[delimiter, list1, list2, …]</c> with maps and lists
/// JSON-encoded (Heat's JoinMultiple). Null lists are empty, null items are <c>''</c>; numbers are refused.
/// </summary>
internal sealed class ListJoinFunction : FunctionExpression
{
    private readonly Expression _delimiter;
    private readonly IReadOnlyList<Expression> _lists;
    private readonly bool _multiple;

    public ListJoinFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        _multiple = call.Version.AtLeast(TemplateVersion.V2015_10_15);
        var example = _multiple ? $"\"{Name}\" : [ \" \", [ \"str1\", \"str2\"] ...]" : $"\"{Name}\" : [ \" \", [ \"str1\", \"str2\"]]";
        var items = FunctionArguments.AsList(call.Arguments);
        if (items is null || (_multiple ? items.Count < 2 : items.Count != 2))
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: {example}");
        }

        _delimiter = items[0];
        _lists = [.. items.Skip(1)];
    }

    public override IEnumerable<Expression> Children => [_delimiter, .. _lists];

    public override object? Evaluate(EvaluationContext context)
    {
        var strings = new List<object?>();
        foreach (var expression in _lists)
        {
            if (!TryEvaluateKnown(expression, context, out var list))
            {
                return Unknown.Value;
            }

            if (!_multiple && list is null || _multiple && !FunctionArguments.IsTruthy(list))
            {
                continue;
            }

            if (list is not IReadOnlyList<object?> items)
            {
                throw Error($"\"{Name}\" must operate on a list, not {Value.TypeName(list)}");
            }

            strings.AddRange(items);
        }

        if (!TryEvaluateKnown(_delimiter, context, out var delimiter))
        {
            return Unknown.Value;
        }

        if (delimiter is not string separator)
        {
            throw Error($"\"{Name}\" delimiter must be a string, not {Value.TypeName(delimiter)}");
        }

        return string.Join(separator, strings.Select(ToText));
    }

    private string ToText(object? item) => item switch
    {
        null => "",
        string s => s,
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> when _multiple => Value.ToPythonJson(item),
        _ => throw Error(_multiple
            ? $"Items to join must be string, map or list not {FunctionArguments.ShortRepr(item)}"
            : $"Items to join must be strings not {FunctionArguments.ShortRepr(item)}"),
    };
}

/// <summary><c>str_split: [delimiter, string]</c> or <c>[delimiter, string, index]</c> (Python <c>str.split</c>).</summary>
internal sealed class StrSplitFunction : FunctionExpression
{
    public StrSplitFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        if (call.Arguments is LiteralExpression { Value: string or IReadOnlyDictionary<string, object?> } or MapExpression)
        {
            throw Error(Usage);
        }
    }

    private string Usage => $"Incorrect arguments to \"{Name}\" should be: \"{Name}\" : [ \",\", \"apples,pears\", <index>]";

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (arguments is not IReadOnlyList<object?> { Count: >= 2 } args)
        {
            throw Error(Usage);
        }

        if (args[1] is null)
        {
            return null;
        }

        if (args[1] is not string text)
        {
            throw Error($"The string to split in \"{Name}\" must be a string, not {Value.TypeName(args[1])}");
        }

        var parts = args[0] switch
        {
            null => SplitWhitespace(text),
            "" => throw Error($"The delimiter of \"{Name}\" must not be empty"),
            string delimiter => text.Split(delimiter),
            _ => throw Error($"The delimiter of \"{Name}\" must be a string, not {Value.TypeName(args[0])}"),
        };

        if (args.Count < 3)
        {
            return parts.Cast<object?>().ToList();
        }

        if (FunctionArguments.ToPythonInt(args[2]) is not { } index)
        {
            throw Error($"Incorrect index to \"{Name}\" should be: \"{Name}\" : [ \",\", \"apples,pears\", <index>] (an integer, not {Value.ToPythonRepr(args[2])})");
        }

        if (!FunctionArguments.TryIndex(parts.Length, index, out var position))
        {
            throw Error($"Incorrect index to \"{Name}\" should be between 0 and {parts.Length - 1}");
        }

        return parts[position];
    }

    // Python's str.split() with no separator: runs of whitespace, no empty strings at either end.
    private static string[] SplitWhitespace(string text) =>
        text.Split(c => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f');
}

file static class StringSplitExtensions
{
    public static string[] Split(this string text, Func<char, bool> isSeparator)
    {
        var parts = new List<string>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (isSeparator(text[i]))
            {
                if (start >= 0)
                {
                    parts.Add(text[start..i]);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }

        if (start >= 0)
        {
            parts.Add(text[start..]);
        }

        return [.. parts];
    }
}

/// <summary><c>map_merge: [map1, map2, …]</c>: a shallow merge where later maps win; null items are skipped.</summary>
internal sealed class MapMergeFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        IEnumerable<object?> items = arguments switch
        {
            IReadOnlyList<object?> list => list,
            string text => text.Select(c => (object?)c.ToString()),
            _ => throw Error($"Incorrect arguments to \"{Name}\" should be: \"{Name}\" : [ {{ \"key1\": \"val1\" }}, {{ \"key2\": \"val2\" }} ]"),
        };

        var result = Value.NewMap();
        foreach (var item in items)
        {
            switch (item)
            {
                case null:
                    break;
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var (key, value) in map)
                    {
                        result[key] = value;
                    }

                    break;
                default:
                    throw Error($"Incorrect arguments: Items to merge must be maps, not {Value.TypeName(item)} {FunctionArguments.ShortRepr(item)}");
            }
        }

        return result;
    }
}

/// <summary>
/// <c>map_replace: [map, {keys: {old: new}, values: {old: new}}]</c>: renames keys and replaces (string) values.
/// A rename onto another key of the input, or two renames onto one key, is an error.
/// </summary>
internal sealed class MapReplaceFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    private string Example => $"\"{Name}\" : [ {{ \"key1\": \"val1\" }}, {{\"keys\": {{\"key1\": \"key2\"}}, \"values\": {{\"val1\": \"val2\"}}}}]";

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (arguments is not IReadOnlyList<object?> args || args.Count == 0)
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: {Example}");
        }

        var input = EnsureMap(args[0]);
        if (args.Count != 2)
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: {Example}");
        }

        var replacements = EnsureMap(args[1]);
        if (replacements.Keys.FirstOrDefault(k => k is not ("keys" or "values")) is { } unknown)
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: {Example} (unknown key \"{unknown}\")");
        }

        var keys = EnsureMap(replacements.GetValueOrDefault("keys"));
        var values = EnsureMap(replacements.GetValueOrDefault("values"));
        var result = Value.NewMap();
        foreach (var (key, value) in input)
        {
            var newKey = key;
            if (keys.GetValueOrDefault(key) is { } renamed)
            {
                newKey = renamed as string ?? Value.ToPythonString(renamed);
                if (newKey != key && input.ContainsKey(newKey))
                {
                    throw Error($"key replacement {newKey} collides with a key in the input map");
                }

                if (result.ContainsKey(newKey))
                {
                    throw Error($"key replacement {newKey} collides with a key in the output map");
                }
            }

            result[newKey] = value is string text && values.TryGetValue(text, out var replaced) ? replaced : value;
        }

        return result;
    }

    private IReadOnlyDictionary<string, object?> EnsureMap(object? value) => value switch
    {
        null => Value.NewMap(),
        IReadOnlyDictionary<string, object?> map => map,
        _ => throw Error($"Incorrect arguments: to \"{Name}\", arguments must be a list of maps. Example:  {Example}"),
    };
}

/// <summary><c>list_concat: [list1, list2, …]</c> and <c>list_concat_unique</c> (first occurrences kept, in order).</summary>
internal sealed class ListConcatFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    private readonly bool _unique = call.Name == "list_concat_unique";

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (arguments is not IReadOnlyList<object?> lists)
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: \"{Name}\" : [ [ <value 1>, <value 2> ], [ <value 3>, <value 4> ] ]");
        }

        var result = new List<object?>();
        foreach (var list in lists)
        {
            switch (list)
            {
                case null:
                    break;
                case IReadOnlyList<object?> items:
                    foreach (var item in items)
                    {
                        if (!_unique || !result.Any(existing => Value.DeepEquals(existing, item)))
                        {
                            result.Add(item);
                        }
                    }

                    break;
                default:
                    throw Error($"Incorrect arguments: Items to concat must be lists, not {Value.TypeName(list)} {FunctionArguments.ShortRepr(list)}");
            }
        }

        return result;
    }
}

/// <summary><c>filter: [values, list]</c>: the list without any item equal to one of the values.</summary>
internal sealed class FilterFunction : FunctionExpression
{
    private readonly Expression _values;
    private readonly Expression _sequence;

    public FilterFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var items = FunctionArguments.AsList(call.Arguments)
            ?? throw Error($"Argument to \"{Name}\" must be a list: [values, sequence]");
        if (items.Count != 2)
        {
            throw Error($"\"{Name}\" expected 2 arguments of the form [values, sequence] but got {items.Count} arguments instead");
        }

        _values = items[0];
        _sequence = items[1];
    }

    public override IEnumerable<Expression> Children => [_values, _sequence];

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_sequence, context, out var sequence))
        {
            return Unknown.Value;
        }

        if (!FunctionArguments.IsTruthy(sequence))
        {
            return sequence;
        }

        if (sequence is not IReadOnlyList<object?> list)
        {
            throw Error($"\"{Name}\" only works with lists, not {Value.TypeName(sequence)}");
        }

        if (!TryEvaluateKnown(_values, context, out var values))
        {
            return Unknown.Value;
        }

        if (!FunctionArguments.IsTruthy(values))
        {
            return sequence;
        }

        if (values is not IReadOnlyList<object?> removed)
        {
            throw Error($"\"{Name}\" filters a list of values, not {Value.TypeName(values)}");
        }

        return list.Where(item => !removed.Any(r => Value.DeepEquals(r, item))).ToList();
    }
}

/// <summary><c>contains: [value, sequence]</c>: membership in a list, or a substring test on a string.</summary>
internal sealed class ContainsFunction : FunctionExpression
{
    private readonly Expression _value;
    private readonly Expression _sequence;

    public ContainsFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var items = FunctionArguments.AsList(call.Arguments);
        if (items is null or { Count: 0 })
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be: \"{Name}\" : [ \"value1\", [ \"value1\", \"value2\"]]");
        }

        if (items.Count != 2)
        {
            throw Error($"Arguments to \"{Name}\" must be of the form: [value1, [value1, value2]]");
        }

        _value = items[0];
        _sequence = items[1];
    }

    public override IEnumerable<Expression> Children => [_value, _sequence];

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_value, context, out var value) || !TryEvaluateKnown(_sequence, context, out var sequence))
        {
            return Unknown.Value;
        }

        return sequence switch
        {
            IReadOnlyList<object?> list => list.Any(item => Value.DeepEquals(item, value)),
            string text when value is string part => text.Contains(part, StringComparison.Ordinal),
            string => throw Error($"\"{Name}\" on a string tests for a substring: the value must be a string, not {Value.TypeName(value)}"),
            _ => throw Error($"Second argument to \"{Name}\" should be a sequence (a list or a string), not {Value.TypeName(sequence)}"),
        };
    }
}
