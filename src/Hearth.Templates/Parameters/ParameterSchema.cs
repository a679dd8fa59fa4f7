using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Parameters;

/// <summary>The type of a template parameter (the <c>type</c> key of its schema).</summary>
public enum ParameterType
{
    String = 0,
    Number = 1,
    Json = 2,
    CommaDelimitedList = 3,
    Boolean = 4,
}

/// <summary>The names HOT uses for <see cref="ParameterType"/>.</summary>
public static class ParameterTypeNames
{
    public static string ToTemplateName(this ParameterType type) => type switch
    {
        ParameterType.String => "string",
        ParameterType.Number => "number",
        ParameterType.Json => "json",
        ParameterType.CommaDelimitedList => "comma_delimited_list",
        ParameterType.Boolean => "boolean",
        _ => type.ToString(),
    };

    public static ParameterType? Parse(string name) => name switch
    {
        "string" => ParameterType.String,
        "number" => ParameterType.Number,
        "json" => ParameterType.Json,
        "comma_delimited_list" => ParameterType.CommaDelimitedList,
        "boolean" => ParameterType.Boolean,
        _ => null,
    };
}

/// <summary>
/// The <c>default</c> of a parameter as written. A schema without a <c>default</c> key has no
/// <see cref="ParameterDefault"/> at all; <c>default: null</c> gives one whose <see cref="Value"/> is null
/// (which Heat, and so Hearth, treats as "no default" when resolving).
/// </summary>
public sealed record ParameterDefault(object? Value, SourceSpan Span);

/// <summary>One declared template parameter, as read from the <c>parameters</c> section.</summary>
public sealed record ParameterSchema(
    string Name,
    SourceSpan Span,
    ParameterType Type,
    ParameterDefault? Default,
    bool Hidden,
    string? Label,
    string? Description,
    bool Immutable,
    ImmutableArray<ParameterConstraint> Constraints,
    ImmutableArray<string> Tags)
{
    /// <summary>False when the schema had errors (reported when it was read); no value is checked against it.</summary>
    public bool IsValid { get; init; } = true;

    /// <summary>True when the schema gives a usable (non-null) default.</summary>
    public bool HasDefault => Default?.Value is not null;
}

/// <summary>One entry of a parameter's <c>constraints</c> list.</summary>
public abstract record ParameterConstraint(string? Description, SourceSpan Span)
{
    /// <summary>The constraint's key in a template (<c>length</c>, <c>range</c>, …).</summary>
    public abstract string Kind { get; }

    /// <summary>Heat's class name for the constraint, used in "X constraint invalid for json".</summary>
    internal abstract string HeatName { get; }

    internal abstract bool AppliesTo(ParameterType type);
}

/// <summary><c>length: {min, max}</c>: inclusive bounds on the length of a string, list or json value.</summary>
public sealed record LengthConstraint(long? Min, long? Max, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "length";

    internal override string HeatName => "Length";

    internal override bool AppliesTo(ParameterType type) =>
        type is ParameterType.String or ParameterType.CommaDelimitedList or ParameterType.Json;
}

/// <summary><c>range: {min, max}</c>: inclusive numeric bounds (each a long or a double).</summary>
public sealed record RangeConstraint(object? Min, object? Max, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "range";

    internal override string HeatName => "Range";

    internal override bool AppliesTo(ParameterType type) => type is ParameterType.Number;
}

/// <summary><c>modulo: {step, offset}</c> (2017-02-24+): <c>value % step == offset</c> with Python's modulo.</summary>
public sealed record ModuloConstraint(long Step, long Offset, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "modulo";

    internal override string HeatName => "Modulo";

    internal override bool AppliesTo(ParameterType type) => type is ParameterType.Number;
}

/// <summary><c>allowed_values: [...]</c>: the value (every element, for lists) must be one of these.</summary>
public sealed record AllowedValuesConstraint(ImmutableArray<object?> Values, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "allowed_values";

    internal override string HeatName => "AllowedValues";

    internal override bool AppliesTo(ParameterType type) => type is not ParameterType.Json;
}

/// <summary><c>allowed_pattern: "re"</c>: a Python regular expression that must match the whole string.</summary>
public sealed record AllowedPatternConstraint(string Pattern, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "allowed_pattern";

    internal override string HeatName => "AllowedPattern";

    internal override bool AppliesTo(ParameterType type) => type is ParameterType.String;
}

/// <summary>
/// <c>custom_constraint: name</c> (nova.flavor, …): a validator Heat plugs in per cloud service. Hearth has no cloud
/// services, so these are kept in the schema but not checked.
/// </summary>
public sealed record CustomConstraint(string Name, string? Description, SourceSpan Span) : ParameterConstraint(Description, Span)
{
    public override string Kind => "custom_constraint";

    internal override string HeatName => "CustomConstraint";

    internal override bool AppliesTo(ParameterType type) => type is not ParameterType.Json;
}
