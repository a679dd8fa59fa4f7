using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;
using Hearth.Templates.Values;

namespace Hearth.Templates.Environment;

/// <summary>
/// The environment of a stack: its <c>-e</c> files merged in order (environment_util.py <c>merge_environments</c>).
/// <see cref="Parameters"/> are the top stack's user values; <see cref="ParameterDefaults"/> flow into every nested stack.
/// </summary>
public sealed record StackEnvironment(
    ImmutableArray<ParameterInput> Parameters,
    ImmutableArray<ParameterInput> ParameterDefaults,
    ResourceRegistry Registry,
    ImmutableArray<string> EncryptedParamNames,
    ImmutableArray<object?> EventSinks)
{
    public static StackEnvironment Empty { get; } = new([], [], ResourceRegistry.Empty, [], []);

    /// <summary>
    /// Merges environment files in order. For <c>parameters</c> and <c>parameter_defaults</c>, each later file's
    /// <c>parameter_merge_strategies</c> decides per parameter: overwrite (default), merge or deep_merge (strings
    /// concatenate, numbers add, lists extend, json maps update; deep_merge recurses). As in Heat, once there are values,
    /// a later file's values for parameters that no template declares are dropped and null values are skipped; one
    /// parameter merged with different strategies by different files is an error.
    /// </summary>
    /// <param name="declaredTypes">The types of the parameters declared by the stack's templates (nested ones included),
    /// or null when unknown (then nothing is dropped and merging goes by the values' own types).</param>
    public static StackEnvironment Merge(IEnumerable<EnvironmentFile> files, IReadOnlyDictionary<string, ParameterType>? declaredTypes, DiagnosticBag diagnostics)
    {
        var list = files.ToList();
        var strategies = new Dictionary<string, MergeStrategy>(StringComparer.Ordinal);
        var parameters = new OrderedDictionary<string, ParameterInput>(StringComparer.Ordinal);
        var defaults = new OrderedDictionary<string, ParameterInput>(StringComparer.Ordinal);
        foreach (var file in list)
        {
            MergeSection(parameters, file.Parameters, file, declaredTypes, strategies, diagnostics);
            MergeSection(defaults, file.ParameterDefaults, file, declaredTypes, strategies, diagnostics);
        }

        return new StackEnvironment(
            [.. parameters.Values],
            [.. defaults.Values],
            ResourceRegistry.Load(list, diagnostics),
            [.. list.SelectMany(f => f.EncryptedParamNames).Distinct(StringComparer.Ordinal)],
            [.. list.SelectMany(f => f.EventSinks)]);
    }

    private static void MergeSection(
        OrderedDictionary<string, ParameterInput> old,
        ImmutableArray<ParameterInput> values,
        EnvironmentFile file,
        IReadOnlyDictionary<string, ParameterType>? declaredTypes,
        Dictionary<string, MergeStrategy> strategies,
        DiagnosticBag diagnostics)
    {
        if (values.IsEmpty)
        {
            return;
        }

        // Heat: the first non-empty section is taken as it is.
        if (old.Count == 0)
        {
            foreach (var value in values)
            {
                old[value.Name] = value;
            }

            return;
        }

        foreach (var input in values)
        {
            if (input.Value is null || (declaredTypes is not null && !declaredTypes.ContainsKey(input.Name)))
            {
                continue;
            }

            var strategy = file.MergeStrategies.For(input.Name);
            if (strategies.TryGetValue(input.Name, out var earlier) && earlier != strategy)
            {
                diagnostics.Error(input.Span, DiagnosticCodes.MergeStrategyConflict,
                    $"Conflicting merge strategy '{Name(strategy)}' for parameter '{input.Name}' in file '{file.Path}': an earlier environment file merged it with '{Name(earlier)}'");
                continue;
            }

            strategies[input.Name] = strategy;
            if (strategy == MergeStrategy.Overwrite || !old.TryGetValue(input.Name, out var previous) || previous.Value is null)
            {
                old[input.Name] = input;
                continue;
            }

            var type = declaredTypes?.GetValueOrDefault(input.Name) ?? InferType(previous.Value);
            if (TryMerge(type, previous.Value, input.Value, strategy == MergeStrategy.DeepMerge, out var merged, out var error))
            {
                old[input.Name] = input with { Value = merged };
            }
            else
            {
                diagnostics.Error(input.Span, DiagnosticCodes.MergeStrategyInvalid, $"Cannot {Name(strategy)} parameter '{input.Name}': {error}");
            }
        }
    }

    private static string Name(MergeStrategy strategy) => strategy switch
    {
        MergeStrategy.Merge => "merge",
        MergeStrategy.DeepMerge => "deep_merge",
        _ => "overwrite",
    };

    private static ParameterType InferType(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> => ParameterType.Json,
        IReadOnlyList<object?> => ParameterType.CommaDelimitedList,
        long or double => ParameterType.Number,
        bool => ParameterType.Boolean,
        _ => ParameterType.String,
    };

    private static bool TryMerge(ParameterType type, object? old, object? value, bool deep, out object? merged, out string error)
    {
        merged = null;
        error = "";
        switch (type)
        {
            case ParameterType.Json:
                if (AsMap(old) is { } oldMap && AsMap(value) is { } newMap)
                {
                    merged = MergeMap(oldMap, newMap, deep);
                    return true;
                }

                error = "json values can only be merged when both are maps";
                return false;
            case ParameterType.CommaDelimitedList:
                merged = MergeList(old, value);
                return true;
            case ParameterType.String:
                merged = Value.ToPythonString(old) + Value.ToPythonString(value);
                return true;
            case ParameterType.Number:
                if (PythonValues.TryToNumber(old, out var a) && PythonValues.TryToNumber(value, out var b))
                {
                    merged = a is long la && b is long lb ? la + lb : ToDouble(a) + ToDouble(b);
                    return true;
                }

                error = "number values can only be merged when both are numbers";
                return false;
            default:
                error = $"merge strategies apply to string, number, comma_delimited_list and json parameters, not {type.ToTemplateName()}";
                return false;
        }
    }

    private static double ToDouble(object? n) => n switch
    {
        long l => l,
        double d => d,
        _ => 0,
    };

    private static IReadOnlyDictionary<string, object?>? AsMap(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map,
        string text when PythonValues.TryParseJson(text, out var parsed, out _) => parsed as IReadOnlyDictionary<string, object?>,
        _ => null,
    };

    /// <summary>Heat's <c>merge_list</c>: two strings join with ','; otherwise the lists concatenate.</summary>
    private static object? MergeList(object? old, object? value)
    {
        if (old is string oldText && value is string newText)
        {
            return oldText.Length == 0 ? newText : oldText + "," + newText;
        }

        return ToList(old).Concat(ToList(value)).ToList();
    }

    private static IEnumerable<object?> ToList(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        string s when s.Length == 0 => [],
        string s => s.Split(',').Select(x => (object?)x),
        _ => [value],
    };

    /// <summary>Heat's <c>merge_map</c>: later keys win; with deep_merge, maps recurse, lists extend and strings concatenate.</summary>
    private static OrderedDictionary<string, object?> MergeMap(IReadOnlyDictionary<string, object?> old, IReadOnlyDictionary<string, object?> value, bool deep)
    {
        var result = Value.NewMap();
        foreach (var (k, v) in old)
        {
            result[k] = v;
        }

        foreach (var (k, v) in value)
        {
            if (v is null)
            {
                continue;
            }

            result.TryGetValue(k, out var before);
            result[k] = !deep ? v : v switch
            {
                IReadOnlyDictionary<string, object?> map when before is IReadOnlyDictionary<string, object?> beforeMap && beforeMap.Count > 0 => MergeMap(beforeMap, map, deep),
                IReadOnlyList<object?> list when before is IReadOnlyList<object?> beforeList && beforeList.Count > 0 => beforeList.Concat(list).ToList(),
                string s => Value.ToPythonString(before is string ? before : "") + s,
                _ => v,
            };
        }

        return result;
    }
}
