using Hearth.Templates.Expressions;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>repeat: {template: …, for_each: {placeholder: list}, permutations: bool}</c>. Several placeholders give the
/// cartesian product in itertools.product order (the last placeholder varies fastest);
/// <c>permutations: false</c> (2017-09-01+) zips lists of equal length. From 2016-10-14 a map iterates its keys.
/// Placeholders are replaced with <c>str.replace</c> in every string of the template, map keys included.
/// </summary>
internal sealed class RepeatFunction : FunctionExpression
{
    private readonly Expression _template;
    private readonly Expression _forEach;
    private readonly bool _nestedLoop = true;
    private readonly bool _allowMaps;

    public RepeatFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var entries = FunctionArguments.AsMap(call.Arguments)
            ?? throw Error($"Arguments to \"{Name}\" must be a map: {{template: <value>, for_each: {{<placeholder>: <list>}}}}");
        var forEach = FunctionArguments.Find(entries, "for_each");
        var template = FunctionArguments.Find(entries, "template");
        if (forEach is null || template is null)
        {
            throw Error($"\"{Name}\" syntax should be {{template: <value>, for_each: {{<placeholder>: <list>}}}}; "
                + $"missing \"{(template is null ? "template" : "for_each")}\"");
        }

        _forEach = forEach;
        _template = template;
        _allowMaps = call.Version.AtLeast(TemplateVersion.V2016_10_14);
        if (call.Version.AtLeast(TemplateVersion.V2017_09_01) && FunctionArguments.Find(entries, "permutations") is { } permutations)
        {
            if (FunctionArguments.LiteralOr(permutations, null) is not bool nested)
            {
                throw Error($"\"permutations\" should be boolean type for {Name} function.");
            }

            _nestedLoop = nested;
        }
    }

    public override IEnumerable<Expression> Children => [_template, _forEach];

    public override void Validate(ValidationContext context)
    {
        base.Validate(context);
        if (!FunctionArguments.IsComputed(_forEach) && FunctionArguments.AsMap(_forEach) is null)
        {
            context.Report(Error($"The \"for_each\" argument to \"{Name}\" must contain a map, not {Value.TypeName(FunctionArguments.LiteralOr(_forEach, null))}"));
        }
    }

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_forEach, context, out var forEachValue))
        {
            return Unknown.Value;
        }

        if (forEachValue is not IReadOnlyDictionary<string, object?> { Count: > 0 } forEach)
        {
            throw Error($"The \"for_each\" argument to \"{Name}\" must contain a map of placeholders to lists, not {Value.TypeName(forEachValue)}");
        }

        var keys = forEach.Keys.ToList();
        var lists = new List<IReadOnlyList<object?>>();
        var lengths = new HashSet<int>();
        foreach (var value in forEach.Values)
        {
            switch (value)
            {
                case null:
                    lists.Add([]);
                    break;
                case IReadOnlyList<object?> list:
                    lists.Add(list);
                    lengths.Add(list.Count);
                    break;
                case IReadOnlyDictionary<string, object?> map when _allowMaps && _nestedLoop:
                    lists.Add([.. map.Keys]);
                    lengths.Add(map.Count);
                    break;
                default:
                    throw Error($"The values of the \"for_each\" argument to \"{Name}\" must be lists{(_allowMaps && _nestedLoop ? " or maps" : "")}, not {Value.TypeName(value)}");
            }
        }

        if (!_nestedLoop && lengths.Count > 1)
        {
            throw Error($"For {Name}, the length of for_each values should be equal if no nested loop.");
        }

        if (!TryEvaluateKnown(_template, context, out var template))
        {
            return Unknown.Value;
        }

        var result = new List<object?>();
        foreach (var combination in _nestedLoop ? Product(lists) : Zip(lists))
        {
            result.Add(Substitute(template, keys, combination));
        }

        return result;
    }

    private static IEnumerable<object?[]> Product(List<IReadOnlyList<object?>> lists)
    {
        if (lists.Any(l => l.Count == 0))
        {
            yield break;
        }

        var indexes = new int[lists.Count];
        while (true)
        {
            yield return [.. lists.Select((l, i) => l[indexes[i]])];
            var position = lists.Count - 1;
            while (position >= 0 && ++indexes[position] == lists[position].Count)
            {
                indexes[position] = 0;
                position--;
            }

            if (position < 0)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<object?[]> Zip(List<IReadOnlyList<object?>> lists)
    {
        var count = lists.Min(l => l.Count);
        for (var i = 0; i < count; i++)
        {
            yield return [.. lists.Select(l => l[i])];
        }
    }

    private object? Substitute(object? template, List<string> keys, object?[] values)
    {
        switch (template)
        {
            case string text:
                return SubstituteText(text, keys, values);
            case IReadOnlyList<object?> list:
                return list.Select(item => Substitute(item, keys, values)).ToList();
            case IReadOnlyDictionary<string, object?> map:
                var result = Value.NewMap();
                foreach (var (key, value) in map)
                {
                    result[SubstituteText(key, keys, values)] = Substitute(value, keys, values);
                }

                return result;
            default:
                return template;
        }
    }

    private string SubstituteText(string text, List<string> keys, object?[] values)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (values[i] is not string replacement)
            {
                throw Error($"The items of the \"for_each\" lists of \"{Name}\" must be strings (placeholder {keys[i]} "
                    + $"has {Value.TypeName(values[i])} {FunctionArguments.ShortRepr(values[i])}); quote it, e.g. \"{Value.ToPythonString(values[i])}\"");
            }

            text = keys[i].Length == 0 ? text : text.Replace(keys[i], replacement, StringComparison.Ordinal);
        }

        return text;
    }
}
