using Hearth.Templates.Values;

namespace Hearth.Templates.Parameters;

/// <summary>
/// How a parameter value is converted to its type and checked against the constraints, with Heat's messages
/// (parameters.py <c>*Param._validate/value</c>, constraints.py <c>_err_msg</c>).
/// </summary>
internal static class ParameterChecks
{
    /// <summary>Converts a given value to the parameter's type, as <c>Parameter.value()</c> does.</summary>
    public static bool TryConvert(ParameterType type, object? raw, out object? value, out string error)
    {
        error = "";
        value = null;
        switch (type)
        {
            case ParameterType.String:
                value = Value.ToPythonString(raw);
                return true;
            case ParameterType.Number:
                if (raw is not bool && PythonValues.TryToNumber(raw, out value))
                {
                    return true;
                }

                error = raw is string s
                    ? $"could not convert string to float: {Value.ToPythonRepr(s)}"
                    : $"a number is expected, got a {Value.TypeName(raw)}";
                return false;
            case ParameterType.Boolean:
                if (PythonValues.TryToBoolean(raw, out var b, out error))
                {
                    value = b;
                    return true;
                }

                return false;
            case ParameterType.CommaDelimitedList:
                switch (raw)
                {
                    case IReadOnlyList<object?> list:
                        value = list.Select(item => (object?)Value.ToPythonString(item)).ToList();
                        return true;
                    case string text:
                        value = text.Length == 0 ? new List<object?>() : text.Split(',').Select(x => (object?)x).ToList();
                        return true;
                    default:
                        error = $"Value must be a comma-delimited list string, got a {Value.TypeName(raw)}";
                        return false;
                }

            case ParameterType.Json:
                if (raw is string json)
                {
                    // Heat keeps an empty string as it is (json.loads is only tried on a non-empty text).
                    if (json.Length == 0)
                    {
                        value = json;
                        return true;
                    }

                    if (PythonValues.TryParseJson(json, out value, out var jsonError))
                    {
                        return true;
                    }

                    error = "Value must be valid JSON: " + jsonError;
                    return false;
                }

                value = raw;
                return true;
            default:
                error = $"unknown parameter type {type}";
                return false;
        }
    }

    /// <summary>The value the constraints see: Heat validates the given value, parsed for lists and json.</summary>
    public static object? ConstraintSubject(ParameterType type, object? raw, object? converted) => type switch
    {
        ParameterType.CommaDelimitedList or ParameterType.Json or ParameterType.String or ParameterType.Number => converted,
        _ => raw,
    };

    /// <summary>Checks the constraints (custom constraints are not checked: they need cloud services). Returns the first failure.</summary>
    public static string? CheckConstraints(ParameterSchema schema, object? raw, object? subject)
    {
        var hidden = schema.Hidden;
        foreach (var constraint in schema.Constraints)
        {
            string? failure;
            try
            {
                failure = Check(constraint, schema.Type, raw, subject);
            }
            catch (FormatException ex)
            {
                failure = ex.Message;
            }

            if (failure is not null)
            {
                // A hidden value never appears in a message: say which constraint failed instead.
                return !string.IsNullOrEmpty(constraint.Description) ? constraint.Description
                    : hidden ? $"the value does not satisfy its {constraint.Kind} constraint"
                    : failure;
            }
        }

        return null;
    }

    private static string? Check(ParameterConstraint constraint, ParameterType type, object? raw, object? subject)
    {
        switch (constraint)
        {
            case LengthConstraint length:
                var count = subject switch
                {
                    string s => CodePoints(s),
                    IReadOnlyList<object?> list => list.Count,
                    IReadOnlyDictionary<string, object?> map => map.Count,
                    _ => throw new FormatException($"object of type '{Value.TypeName(subject)}' has no len()"),
                };
                return (length.Min is { } min && count < min) || (length.Max is { } max && count > max)
                    ? $"length ({count}) is out of range (min: {Py(length.Min)}, max: {Py(length.Max)})"
                    : null;
            case RangeConstraint range:
                var n = AsDouble(subject);
                return (range.Min is not null && n < AsDouble(range.Min)) || (range.Max is not null && n > AsDouble(range.Max))
                    ? $"{Value.ToPythonString(raw)} is out of range (min: {Py(range.Min)}, max: {Py(range.Max)})"
                    : null;
            case ModuloConstraint modulo:
                return PythonValues.Modulo(AsDouble(subject), modulo.Step) != modulo.Offset
                    ? $"{Value.ToPythonString(raw)} is not a multiple of {modulo.Step} with an offset of {modulo.Offset}"
                    : null;
            case AllowedValuesConstraint allowed:
                return IsAllowed(allowed, type, subject)
                    ? null
                    : $"{Value.ToPythonJson(subject is IReadOnlyList<object?> ? subject : raw, sortKeys: false)} is not an allowed value {Value.ToPythonJson(allowed.Values.ToList(), sortKeys: false)}";
            case AllowedPatternConstraint pattern:
                var text = Value.ToPythonString(subject);
                return PythonRegex.TryCompile(pattern.Pattern, out var regex, out _) && regex is not null && PythonRegex.MatchesWhole(regex, text)
                    ? null
                    : $"\"{text}\" does not match pattern \"{pattern.Pattern}\"";
            default:
                return null;
        }
    }

    private static int CodePoints(string s)
    {
        var count = 0;
        for (var i = 0; i < s.Length; i++)
        {
            count++;
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
        }

        return count;
    }

    private static bool IsAllowed(AllowedValuesConstraint allowed, ParameterType type, object? subject)
    {
        // Lists: every element must be one of the allowed values, compared as given (Python ==).
        if (subject is IReadOnlyList<object?> list)
        {
            return list.All(item => allowed.Values.Any(a => Value.DeepEquals(a, item)));
        }

        var value = ToSchemaType(type, subject);
        return allowed.Values.Any(a => Value.DeepEquals(ToSchemaType(type, a), value));
    }

    /// <summary>Heat's <c>Schema.to_schema_type</c>, used on both sides of an allowed_values comparison.</summary>
    private static object? ToSchemaType(ParameterType type, object? value)
    {
        switch (type)
        {
            case ParameterType.Number:
                return PythonValues.TryToNumber(value, out var n) ? n : throw Invalid(value, "number");
            case ParameterType.String:
                return Value.ToPythonString(value);
            case ParameterType.Boolean:
                return PythonValues.TryToBoolean(value, out var b, out _) ? b : throw Invalid(value, "boolean");
            default:
                return value;
        }
    }

    private static FormatException Invalid(object? value, string type) =>
        new($"Value \"{Value.ToPythonString(value)}\" is invalid for data type \"{type}\".");

    private static double AsDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        int i => i,
        _ => PythonValues.TryToNumber(value, out var n) && n is not null ? AsDouble(n) : throw new FormatException($"{Value.ToPythonString(value)} is not a number"),
    };

    private static string Py(object? value) => Value.ToPythonString(value);

    /// <summary>
    /// Heat's default check (<c>Schema._validate_default</c>): a comma_delimited_list default string is split
    /// (without the "" → [] rule), list items are str()-ed; custom constraints are skipped. Hearth also checks that the
    /// default converts to the type (Heat only finds that out when the default is used).
    /// Returns Heat's "Invalid default …" text, or null.
    /// </summary>
    public static string? ValidateDefault(ParameterSchema schema)
    {
        if (schema.Default?.Value is not { } raw)
        {
            return null;
        }

        string? failure;
        if (schema.Type == ParameterType.CommaDelimitedList && raw is not IReadOnlyList<object?>)
        {
            failure = raw is string s
                ? CheckConstraints(schema, raw, s.Split(',').Select(x => (object?)x).ToList())
                : $"Default must be a comma-delimited list string, got a {Value.TypeName(raw)}";
        }
        else if (!TryConvert(schema.Type, raw, out var converted, out var error))
        {
            failure = error;
        }
        else
        {
            failure = CheckConstraints(schema, raw, ConstraintSubject(schema.Type, raw, converted));
        }

        var shown = schema.Hidden ? ResolvedParameters.Mask : Value.ToPythonString(raw);
        return failure is null ? null : $"Parameter '{schema.Name}' is invalid: Invalid default {shown} ({failure})";
    }
}
