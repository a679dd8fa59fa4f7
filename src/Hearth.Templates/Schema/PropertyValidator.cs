using System.Globalization;
using System.Text.RegularExpressions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Templates.Schema;

/// <summary>
/// Checks resolved property values against a resource type's schema and converts them to the schema types as Heat
/// does (properties.py): an absent property takes its default, else is null (and unchecked); an explicit null takes the
/// default, else the type's zero value; strings accept integers and booleans; integers accept numeric strings and
/// truncate floats (Python's int()); numbers accept numeric strings; booleans accept "true"/"false".
/// Values known only after apply are passed through unchecked.
/// </summary>
public static class PropertyValidator
{
    /// <summary>Where to report a problem at a property path (keys and list indexes from the properties root).</summary>
    public delegate SourceSpan SpanLocator(IReadOnlyList<object> path);

    /// <summary>Validates and converts; problems go to <paramref name="diagnostics"/> and the result holds what could be converted.</summary>
    public static IReadOnlyDictionary<string, object?> Validate(
        ResourceTypeSchema schema,
        string resourceName,
        object? properties,
        SpanLocator locate,
        DiagnosticBag diagnostics)
    {
        var context = new Context(resourceName, schema.Type, locate, diagnostics)
        {
            Resource = properties as IReadOnlyDictionary<string, object?> ?? Value.NewMap(),
        };
        if (properties is Unknown)
        {
            return Value.NewMap();
        }

        if (properties is not null and not IReadOnlyDictionary<string, object?>)
        {
            context.Report([], DiagnosticCodes.PropertyWrongType, $"the properties of resource '{resourceName}' must be a map, not a {Value.TypeName(properties)}");
            return Value.NewMap();
        }

        var given = properties as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        if (schema.AnyProperties)
        {
            return given;
        }

        return ValidateMap(schema.Properties, given, [], context);
    }

    /// <summary>
    /// Validates and converts a resource's <c>update_policy</c> section against <see cref="ResourceTypeSchema.UpdatePolicy"/>
    /// as Heat does for every resource (resource.py validate_template); paths are relative to the section.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> ValidateUpdatePolicy(
        ResourceTypeSchema schema,
        string resourceName,
        object? updatePolicy,
        SpanLocator locate,
        DiagnosticBag diagnostics)
    {
        var context = new Context(resourceName, schema.Type, locate, diagnostics, "update policy");
        if (updatePolicy is Unknown)
        {
            return Value.NewMap();
        }

        if (updatePolicy is not null and not IReadOnlyDictionary<string, object?>)
        {
            context.Report([], DiagnosticCodes.PropertyWrongType, $"the update_policy of resource '{resourceName}' must be a map, not a {Value.TypeName(updatePolicy)}");
            return Value.NewMap();
        }

        return ValidateMap(schema.UpdatePolicy, updatePolicy as IReadOnlyDictionary<string, object?> ?? Value.NewMap(), [], context);
    }

    private static OrderedDictionary<string, object?> ValidateMap(
        IReadOnlyDictionary<string, PropertySchema> schemas,
        IReadOnlyDictionary<string, object?> given,
        List<object> path,
        Context context)
    {
        var result = Value.NewMap();
        foreach (var key in given.Keys)
        {
            if (!schemas.ContainsKey(key))
            {
                var known = schemas.Count == 0 ? "none" : string.Join(", ", schemas.Keys.Order(StringComparer.Ordinal));
                var hint = Suggest(key, schemas.Keys);
                context.Report([.. path, key], DiagnosticCodes.UnknownProperty,
                    $"unknown {context.Section} '{Join(path, key)}' for {context.Type}{(hint is null ? "" : $" (did you mean '{hint}'?)")}; known {(context.Section == "property" ? "properties" : "keys")}: {known}");
            }
        }

        // In name order: the schemas are hash maps, whose order string hashing (random per process) would decide, and
        // the result is stored and shown.
        foreach (var (name, schema) in schemas.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            // As Heat's Properties: a key that is absent (or Omitted by a 2-argument if) takes its default, else is
            // null and unchecked, and a required one is "not assigned"; an explicit null is converted (default, else
            // the type's zero value) and checked like any value, even for a required property.
            if (!given.TryGetValue(name, out var value) || value is Omitted)
            {
                if (schema.Required && schema.Default is null)
                {
                    context.Report(path, DiagnosticCodes.PropertyRequired,
                        $"resource '{context.ResourceName}' ({context.Type}) needs the property '{Join(path, name)}'");
                    continue;
                }

                result[name] = schema.Default is null ? null : Convert(schema, null, [.. path, name], context);
                continue;
            }

            result[name] = Convert(schema, value, [.. path, name], context);
        }

        return result;
    }

    private static object? Convert(PropertySchema schema, object? value, List<object> path, Context context)
    {
        if (value is Unknown || Value.ContainsUnknown(value))
        {
            return value;
        }

        value ??= schema.Default;
        object? converted;
        try
        {
            converted = schema.Type switch
            {
                PropertyType.String => ToStringValue(value),
                PropertyType.Integer => ToInteger(value),
                PropertyType.Number => ToNumber(value),
                PropertyType.Boolean => ToBoolean(value),
                PropertyType.List => ToList(schema, value, path, context),
                PropertyType.Map => ToMap(schema, value, path, context),
                _ => value,
            };
        }
        catch (FormatException e)
        {
            context.Report(path, DiagnosticCodes.PropertyWrongType, $"property '{Join(path)}' of resource '{context.ResourceName}': {e.Message}");
            return value;
        }

        foreach (var constraint in schema.ConstraintList)
        {
            var problem = Check(constraint, converted, context.Resource);
            if (problem is not null)
            {
                context.Report(path, DiagnosticCodes.PropertyConstraintFailed,
                    $"property '{Join(path)}' of resource '{context.ResourceName}': {constraint.Description ?? problem}");
            }
        }

        return converted;
    }

    private static string ToStringValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool or long or int => Value.ToPythonString(value),
        _ => throw new FormatException($"the value must be a string, not a {Value.TypeName(value)}"),
    };

    private static long ToInteger(object? value)
    {
        switch (value)
        {
            case null:
                return 0;
            case bool b:
                return b ? 1 : 0;
            case long l:
                return l;
            case int i:
                return i;
            case double d when double.IsFinite(d):
                // Heat converts with Python's int(), which truncates a float (2.5 → 2) rather than refusing it.
                return (long)Math.Truncate(d);
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new FormatException($"{Value.ToPythonRepr(value)} is not an integer");
        }
    }

    private static object ToNumber(object? value)
    {
        switch (value)
        {
            case null:
                return 0L;
            case bool b:
                return b ? 1L : 0L;
            case long or double:
                return value;
            case int i:
                return (long)i;
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return l;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return d;
            default:
                throw new FormatException($"{Value.ToPythonRepr(value)} is not a number");
        }
    }

    private static bool ToBoolean(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s when s.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        string s when s.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw new FormatException($"{Value.ToPythonRepr(value)} is not a valid boolean (use true or false)"),
    };

    private static List<object?> ToList(PropertySchema schema, object? value, List<object> path, Context context)
    {
        if (value is null)
        {
            return [];
        }

        if (value is not IReadOnlyList<object?> list)
        {
            throw new FormatException($"the value must be a list, not a {Value.TypeName(value)}");
        }

        var itemSchema = schema.Schema?.GetValueOrDefault(PropertySchema.ListItemKey);
        if (itemSchema is null)
        {
            return [.. list];
        }

        return [.. list.Select((item, i) => Convert(itemSchema, item, [.. path, i], context))];
    }

    private static IReadOnlyDictionary<string, object?> ToMap(PropertySchema schema, object? value, List<object> path, Context context)
    {
        if (value is null)
        {
            return Value.NewMap();
        }

        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            throw new FormatException($"the value must be a map, not a {Value.TypeName(value)}");
        }

        return schema.Schema is { Count: > 0 } nested ? ValidateMap(nested, map, path, context) : map;
    }

    private static string? Check(PropertyConstraint constraint, object? value, IReadOnlyDictionary<string, object?> resource)
    {
        switch (constraint)
        {
            case AllowedValuesConstraint allowed:
                // As in Heat, a list value passes when every item is allowed (SoftwareDeployment actions).
                return value is null
                    || (value is IReadOnlyList<object?> items
                        ? items.All(item => allowed.Values.Any(v => Value.DeepEquals(v, item)))
                        : allowed.Values.Any(v => Value.DeepEquals(v, value)))
                    ? null
                    : $"{Value.ToPythonJson(value)} is not an allowed value [{string.Join(", ", allowed.Values.Select(v => Value.ToPythonJson(v)))}]";
            case RangeConstraint range when value is long or double:
                var number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return (range.Min is { } min && number < min) || (range.Max is { } max && number > max)
                    ? $"{Value.ToPythonString(value)} is out of range (min: {Bound(range.Min)}, max: {Bound(range.Max)})"
                    : null;
            case LengthConstraint length:
                var count = value switch
                {
                    string s => s.Length,
                    IReadOnlyList<object?> l => l.Count,
                    IReadOnlyDictionary<string, object?> m => m.Count,
                    _ => -1,
                };
                return count >= 0 && ((length.Min is { } lmin && count < lmin) || (length.Max is { } lmax && count > lmax))
                    ? $"length ({count}) is out of range (min: {Bound(length.Min)}, max: {Bound(length.Max)})"
                    : null;
            case CheckedConstraint check:
                return value is null ? null : check.Problem(value, resource);
            case AllowedPatternConstraint pattern when value is string text:
                return Regex.IsMatch(text, $"^(?:{pattern.Pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1))
                    ? null
                    : $"\"{text}\" does not match pattern \"{pattern.Pattern}\"";
            default:
                return null;
        }
    }

    // Heat's bounds are usually ints, printed without a fraction ("min: 1", not "min: 1.0").
    private static string Bound(double? bound) => bound is { } b ? Value.ToPythonString(b == Math.Floor(b) ? (object)(long)b : b) : "None";

    private static string Join(IReadOnlyList<object> path, string? last = null)
    {
        var parts = path.Select(p => p is int i ? $"[{i}]" : "." + p).Concat(last is null ? [] : ["." + last]);
        return string.Concat(parts).TrimStart('.').Replace(".[", "[", StringComparison.Ordinal);
    }

    /// <summary>" (did you mean 'NAME'?)" for the closest known name, or nothing: the end of a message about a misspelt name.</summary>
    public static string Hint(string given, IEnumerable<string> known) =>
        Suggest(given, known) is { } suggestion ? $" (did you mean '{suggestion}'?)" : "";

    /// <summary>The closest known name, for "did you mean" hints on a misspelt key.</summary>
    public static string? Suggest(string given, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = EditDistance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, given.Length / 3) ? best : null;
    }

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions, so "vaule" is one edit from "value".
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private sealed class Context(string resourceName, string type, SpanLocator locate, DiagnosticBag diagnostics, string section = "property")
    {
        /// <summary>What the names are, for messages: "property", or "update policy" for that section.</summary>
        public string Section { get; } = section;

        public string ResourceName { get; } = resourceName;

        public string Type { get; } = type;

        /// <summary>The resource's properties as given, for a <see cref="CheckedConstraint"/>.</summary>
        public IReadOnlyDictionary<string, object?> Resource { get; init; } = Value.NewMap();

        public void Report(IReadOnlyList<object> path, string code, string message) =>
            diagnostics.Error(locate(path), code, message);
    }
}
