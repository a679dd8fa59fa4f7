using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schema of OS::Heat::ResourceChain (resource_chain.py). Besides <c>refs</c> and <c>attributes</c>, a chain
/// answers <c>resource.N[.attr]</c> and any member attribute name (a list over the members), as a group does.
/// </summary>
public static class ResourceChainSchema
{
    /// <summary>The property listing the members' types (names, registry aliases or template files).</summary>
    public const string Resources = "resources";

    public static ResourceTypeSchema Schema { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.ResourceChain,
        [
            Prop(Resources, PropertyType.List, "The members' resource types, one member each, in order.",
                required: true, updateAllowed: true),
            Prop("concurrent", PropertyType.Boolean,
                "True creates the members all at once; false makes each member depend on the one before it.",
                defaultValue: false),
            Prop("resource_properties", PropertyType.Map, "The properties given to every member."),
        ],
        [
            Attr("refs", "The members' reference ids, in order."),
            Attr("attributes", "Member name to the member attribute named by the path (a path is required)."),
        ],
        anyAttributes: true);
}
