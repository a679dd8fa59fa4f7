using System.Collections.Immutable;

namespace Hearth.Templates.Schema;

/// <summary>The type of a resource property, as Heat's properties schema names them.</summary>
public enum PropertyType
{
    String = 0,
    Integer = 1,
    Number = 2,
    Boolean = 3,
    List = 4,
    Map = 5,
    Any = 6,
}

/// <summary>A constraint on a property value (Heat's constraints.py).</summary>
public abstract record PropertyConstraint(string? Description);

public sealed record AllowedValuesConstraint(ImmutableArray<object?> Values, string? Description = null) : PropertyConstraint(Description);

public sealed record RangeConstraint(double? Min, double? Max, string? Description = null) : PropertyConstraint(Description);

public sealed record LengthConstraint(int? Min, int? Max, string? Description = null) : PropertyConstraint(Description);

public sealed record AllowedPatternConstraint(string Pattern, string? Description = null) : PropertyConstraint(Description);

/// <summary>
/// Hearth extension: a check of one of Hearth's own properties, in code. <paramref name="Problem"/> says what is wrong
/// with a value, or null; it is given the resource's properties too, for a check that holds only with some of them
/// (the SSH settings of a server whose transport is SSH).
/// </summary>
public sealed record CheckedConstraint(Func<object?, IReadOnlyDictionary<string, object?>, string?> Problem, string? Description = null) : PropertyConstraint(Description);

/// <summary>One property of a resource type.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Type">Its type; values are converted to it as Heat does (numbers to strings, "true" to booleans, …).</param>
/// <param name="Description">What the property means, for docs and error messages.</param>
/// <param name="Required">A required property must have a non-null value.</param>
/// <param name="Default">The value used when the property is absent or null.</param>
/// <param name="UpdateAllowed">A change updates the resource in place; otherwise a change replaces it.</param>
/// <param name="Immutable">A change is refused.</param>
/// <param name="Constraints">Checked after conversion.</param>
/// <param name="Schema">For a map: the schema of its keys (unknown keys are errors); for a list: the item schema under the key <c>*</c>.</param>
public sealed record PropertySchema(
    string Name,
    PropertyType Type,
    string Description = "",
    bool Required = false,
    object? Default = null,
    bool UpdateAllowed = false,
    bool Immutable = false,
    ImmutableArray<PropertyConstraint> Constraints = default,
    ImmutableDictionary<string, PropertySchema>? Schema = null)
{
    public const string ListItemKey = "*";

    public ImmutableArray<PropertyConstraint> ConstraintList => Constraints.IsDefault ? [] : Constraints;
}

/// <summary>An attribute a resource type offers to <c>get_attr</c>.</summary>
public sealed record AttributeSchema(string Name, string Description = "");

/// <summary>
/// What the template layer knows of a resource type: its properties and attributes. The engine holds the
/// implementations; validation needs only this.
/// </summary>
/// <param name="Type">The type name, e.g. <c>OS::Heat::TestResource</c>.</param>
/// <param name="Properties">The properties by name.</param>
/// <param name="Attributes">The attributes by name.</param>
/// <param name="AnyProperties">True for types that accept any property (OS::Heat::None).</param>
/// <param name="AnyAttributes">True for types whose attribute names depend on the properties (a deployment's declared outputs, a group's members).</param>
public sealed record ResourceTypeSchema(
    string Type,
    ImmutableDictionary<string, PropertySchema> Properties,
    ImmutableDictionary<string, AttributeSchema> Attributes,
    bool AnyProperties = false,
    bool AnyAttributes = false)
{
    /// <summary>Every resource type has the attribute <c>show</c> (all of the resource's data).</summary>
    public const string ShowAttribute = "show";

    /// <summary>
    /// The schema of the resource's <c>update_policy</c> section (Heat's <c>update_policy_schema</c>), keyed by policy
    /// name (<c>rolling_update</c>, <c>batch_create</c>). Heat validates every resource's update_policy against it, so
    /// for most types (empty schema) any key there is an unknown property.
    /// </summary>
    public ImmutableDictionary<string, PropertySchema> UpdatePolicy { get; init; } =
        ImmutableDictionary<string, PropertySchema>.Empty;

    public static ResourceTypeSchema Create(
        string type,
        IEnumerable<PropertySchema> properties,
        IEnumerable<AttributeSchema> attributes,
        bool anyProperties = false,
        bool anyAttributes = false) =>
        new(type,
            properties.ToImmutableDictionary(p => p.Name, StringComparer.Ordinal),
            attributes.ToImmutableDictionary(a => a.Name, StringComparer.Ordinal),
            anyProperties,
            anyAttributes);

    public bool HasAttribute(string name) => AnyAttributes || name == ShowAttribute || Attributes.ContainsKey(name);

    /// <summary>For types whose schema depends on a property's value (OS::Heat::Value re-types <c>value</c> by <c>type</c>).</summary>
    public Func<IReadOnlyDictionary<string, object?>, ResourceTypeSchema>? RefineByProperties { get; init; }

    /// <summary>The schema to check these resolved (unconverted) properties against: this one, or its refinement.</summary>
    public ResourceTypeSchema For(IReadOnlyDictionary<string, object?> properties) => RefineByProperties?.Invoke(properties) ?? this;
}

/// <summary>Finds the schema of a resource type by name; the engine's registry implements it.</summary>
public interface IResourceTypeCatalog
{
    ResourceTypeSchema? Find(string type);

    IEnumerable<string> TypeNames { get; }
}
