namespace Hearth.Templates.Functions;

/// <summary>
/// Walking a path into a value, as Heat does for <c>get_attr</c> paths (attributes.select_from_attribute) and
/// <c>get_param</c> paths. A step that does not fit (a missing key, an index out of range, a step into a scalar)
/// is not an error: the result is null for attributes and <c>''</c> for parameters.
/// </summary>
public static class AttributePath
{
    /// <summary>
    /// Heat's select_from_attribute: each step must be a string (map key) or an integer (list or string index);
    /// a string is never converted to an index. Null when any step does not fit.
    /// </summary>
    public static object? Select(object? value, IReadOnlyList<object?> path) =>
        TrySelect(value, path, convertStringIndexes: false, out var result) ? result : null;

    /// <summary>Walks <paramref name="path"/>; false when a step does not fit.</summary>
    public static bool TrySelect(object? value, IReadOnlyList<object?> path, bool convertStringIndexes, out object? result)
    {
        var current = value;
        foreach (var step in path)
        {
            if (!TryStep(current, step, convertStringIndexes, out current))
            {
                result = null;
                return false;
            }
        }

        result = current;
        return true;
    }

    private static bool TryStep(object? collection, object? key, bool convertStringIndexes, out object? result)
    {
        result = null;
        if (key is not (string or long or int or bool))
        {
            return false;
        }

        switch (collection)
        {
            case IReadOnlyDictionary<string, object?> map:
                return key is string name && map.TryGetValue(name, out result);
            case IReadOnlyList<object?> list:
                if (Index(key, convertStringIndexes) is { } listIndex && FunctionArguments.TryIndex(list.Count, listIndex, out var position))
                {
                    result = list[position];
                    return true;
                }

                return false;
            case string text:
                if (Index(key, convertStringIndexes) is { } textIndex && FunctionArguments.TryIndex(text.Length, textIndex, out var at))
                {
                    result = text[at].ToString();
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static long? Index(object? key, bool convertStringIndexes) => key switch
    {
        string s => convertStringIndexes ? FunctionArguments.ToPythonInt(s) : null,
        _ => FunctionArguments.ToPythonInt(key),
    };
}
