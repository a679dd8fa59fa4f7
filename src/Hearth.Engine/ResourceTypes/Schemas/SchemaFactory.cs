using System.Collections.Immutable;
using Hearth.Templates.Schema;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// Short forms for writing resource type schemas, so each type's schema reads like Heat's
/// <c>properties_schema</c> table: name, type, description, then only the flags that differ from Heat's defaults.
/// </summary>
internal static class SchemaFactory
{
    public static PropertySchema Prop(
        string name,
        PropertyType type,
        string description,
        bool required = false,
        object? defaultValue = null,
        bool updateAllowed = false,
        ImmutableArray<PropertyConstraint> constraints = default,
        ImmutableDictionary<string, PropertySchema>? schema = null) =>
        new(name, type, description, required, defaultValue, updateAllowed, Immutable: false, constraints, schema);

    /// <summary>The nested schema of a map property: its keys.</summary>
    public static ImmutableDictionary<string, PropertySchema> Keys(params PropertySchema[] keys) =>
        keys.ToImmutableDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The nested schema of a list property: every item has <paramref name="type"/> (and, for maps, <paramref name="keys"/>).</summary>
    public static ImmutableDictionary<string, PropertySchema> Items(
        PropertyType type,
        ImmutableDictionary<string, PropertySchema>? keys = null,
        ImmutableArray<PropertyConstraint> constraints = default) =>
        Keys(new PropertySchema(PropertySchema.ListItemKey, type, Constraints: constraints, Schema: keys));

    public static ImmutableArray<PropertyConstraint> AllowedValues(params object?[] values) =>
        [new AllowedValuesConstraint([.. values])];

    public static ImmutableArray<PropertyConstraint> Range(double? min = null, double? max = null) =>
        [new RangeConstraint(min, max)];

    /// <summary>A check in code of a Hearth property's value, given the resource's properties (<see cref="CheckedConstraint"/>): what is wrong with it, or null.</summary>
    public static ImmutableArray<PropertyConstraint> Checked(Func<object?, IReadOnlyDictionary<string, object?>, string?> problem) => [new CheckedConstraint(problem)];

    public static ImmutableArray<PropertyConstraint> Length(int? min = null, int? max = null) =>
        [new LengthConstraint(min, max)];

    public static AttributeSchema Attr(string name, string description) => new(name, description);

    /// <summary>
    /// A list default. Defaults are shared by every resource of the type, so they are immutable; the validator copies
    /// them into fresh values when it applies them.
    /// </summary>
    public static ImmutableArray<object?> ListOf(params object?[] items) => [.. items];

    /// <summary>A map default (immutable, like <see cref="ListOf"/>).</summary>
    public static ImmutableSortedDictionary<string, object?> MapOf(params (string Key, object? Value)[] entries) =>
        entries.ToImmutableSortedDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
}
