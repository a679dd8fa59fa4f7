using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schemas of Heat's utility types that touch no server: OS::Heat::None, OS::Heat::Value,
/// OS::Heat::RandomString and OS::Heat::TestResource (none_resource.py, value.py, random_string.py, test_resource.py).
/// </summary>
public static class UtilitySchemas
{
    /// <summary>OS::Heat::None: accepts any property, every attribute is null, never updates.</summary>
    public static ResourceTypeSchema None { get; } =
        ResourceTypeSchema.Create(ResourceTypeNames.None, [], [], anyProperties: true, anyAttributes: true);

    /// <summary>
    /// OS::Heat::Value: <c>value</c> (any, required) and <c>type</c> (a HOT parameter type name); both update in place.
    /// When <c>type</c> is set Heat re-types <c>value</c> (see <see cref="ValueWithType"/>).
    /// </summary>
    public static ResourceTypeSchema Value { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.Value,
        [
            ValueProperty(PropertyType.Any),
            Prop("type", PropertyType.String, "The HOT parameter type of the value property; the value is converted to it.",
                updateAllowed: true,
                constraints: AllowedValues("string", "number", "comma_delimited_list", "json", "boolean")),
        ],
        [Attr("value", "The value property, converted to the given type.")]) with
    {
        RefineByProperties = properties => ValueWithType(properties.GetValueOrDefault("type") as string),
    };

    /// <summary>
    /// OS::Heat::Value with its <c>value</c> re-typed by a resolved <c>type</c> property, as Heat's <c>Value.reparse</c>
    /// does: string → String, number → Number, comma_delimited_list → List, json → Map (so a JSON list is refused, as
    /// in Heat), boolean → Boolean. Any other type (or none) leaves <c>value</c> untyped.
    /// </summary>
    public static ResourceTypeSchema ValueWithType(string? type)
    {
        PropertyType? typed = type switch
        {
            "string" => PropertyType.String,
            "number" => PropertyType.Number,
            "comma_delimited_list" => PropertyType.List,
            "json" => PropertyType.Map,
            "boolean" => PropertyType.Boolean,
            _ => null,
        };
        return typed is { } t
            ? Value with { Properties = Value.Properties.SetItem("value", ValueProperty(t)) }
            : Value;
    }

    private static PropertySchema ValueProperty(PropertyType type) =>
        Prop("value", type, "The value exposed as the value attribute.", required: true, updateAllowed: true);

    /// <summary>The character classes of OS::Heat::RandomString.</summary>
    private static readonly object?[] _characterClasses =
        ["lettersdigits", "letters", "lowercase", "uppercase", "digits", "hexdigits", "octdigits"];

    /// <summary>
    /// OS::Heat::RandomString: no property is update_allowed, so any change (usually <c>salt</c>) replaces it and
    /// generates a new string. Heat also checks that <c>length</c> is at least the sum of the class and sequence
    /// minimums (a check across properties, not part of this schema).
    /// </summary>
    public static ResourceTypeSchema RandomString { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.RandomString,
        [
            Prop("length", PropertyType.Integer, "The length of the generated string.",
                defaultValue: 32L, constraints: Range(1, 512)),
            // Hidden in Heat since Newton (translated to character_classes) but still accepted.
            Prop("sequence", PropertyType.String, "Deprecated: the character set of the string; use character_classes.",
                constraints: AllowedValues(_characterClasses)),
            Prop("character_classes", PropertyType.List, "Classes of characters, each with a minimum count, to draw from.",
                defaultValue: ListOf(MapOf(("class", "lettersdigits"), ("min", 1L))),
                schema: Items(PropertyType.Map, Keys(
                    Prop("class", PropertyType.String, "A class of characters.",
                        defaultValue: "lettersdigits", constraints: AllowedValues(_characterClasses)),
                    Prop("min", PropertyType.Integer, "The least number of characters of this class in the string.",
                        defaultValue: 1L, constraints: Range(1, 512))))),
            Prop("character_sequences", PropertyType.List, "Literal character sequences, each with a minimum count, to draw from.",
                schema: Items(PropertyType.Map, Keys(
                    Prop("sequence", PropertyType.String, "The characters to draw from.", required: true),
                    Prop("min", PropertyType.Integer, "The least number of characters from this sequence in the string.",
                        defaultValue: 1L, constraints: Range(1, 512))))),
            Prop("salt", PropertyType.String, "Any value; changing it generates a new string."),
        ],
        [Attr("value", "The generated string (also the resource's reference id).")]);

    /// <summary>
    /// OS::Heat::TestResource: stores <c>value</c> and offers knobs to make actions wait, fail or replace.
    /// Every property but <c>update_replace_value</c> is update_allowed, so changing that one replaces the resource.
    /// </summary>
    public static ResourceTypeSchema TestResource { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.TestResource,
        [
            Prop("value", PropertyType.String, "The string to store (the output attribute).",
                defaultValue: "test_string", updateAllowed: true),
            Prop("update_replace", PropertyType.Boolean, "When true, changing this property to true replaces the resource instead of updating it.",
                defaultValue: false, updateAllowed: true),
            Prop("update_replace_value", PropertyType.String, "A value whose change replaces the resource (not update_allowed)."),
            Prop("fail", PropertyType.Boolean, "When true, the create or update fails after its wait.",
                defaultValue: false, updateAllowed: true),
            Prop("wait_secs", PropertyType.Number, "Seconds every action waits before completing (-1 waits forever).",
                defaultValue: 0L, updateAllowed: true),
            Prop("action_wait_secs", PropertyType.Map, "Per-action waits that override wait_secs.",
                updateAllowed: true,
                schema: Keys(
                    Prop("create", PropertyType.Number, "Seconds to wait after a create (default: wait_secs).", updateAllowed: true),
                    Prop("update", PropertyType.Number, "Seconds to wait after an update (default: wait_secs).", updateAllowed: true),
                    Prop("delete", PropertyType.Number, "Seconds to wait after a delete (default: wait_secs).", updateAllowed: true))),
            Prop("attr_wait_secs", PropertyType.Number, "Seconds resolving the output attribute takes.",
                defaultValue: 0L, updateAllowed: true),
            // Heat attaches the custom constraint test_constr (a validation that sleeps this many seconds and
            // always passes); it constrains no value, so it has no counterpart here.
            Prop("constraint_prop_secs", PropertyType.Number, "Seconds validating this property takes.",
                defaultValue: 0L, updateAllowed: true),
            Prop("client_name", PropertyType.String, "An OpenStack client to poll while waiting (unused by Hearth).",
                defaultValue: "", updateAllowed: true),
            Prop("entity_name", PropertyType.String, "The client entity to poll while waiting (unused by Hearth).",
                defaultValue: "", updateAllowed: true),
        ],
        [Attr("output", "The stored value.")]);
}
