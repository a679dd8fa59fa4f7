using System.Collections.Immutable;
using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schema of OS::Heat::ResourceGroup (resource_group.py). Besides <c>refs</c>, <c>refs_map</c>,
/// <c>attributes</c> and <c>removed_rsrc_list</c>, a group answers <c>resource.N[.attr]</c> and any member
/// attribute name (a list over the members), so it accepts any attribute name.
/// </summary>
public static class ResourceGroupSchema
{
    /// <summary>The update policy that replaces members in batches when <c>resource_def</c> changes.</summary>
    public const string RollingUpdate = "rolling_update";

    /// <summary>The update policy that creates members in batches.</summary>
    public const string BatchCreate = "batch_create";

    /// <summary>The keys of <c>batch_create</c> (and of a deployment group's <c>rolling_update</c>).</summary>
    internal static ImmutableDictionary<string, PropertySchema> BatchPolicyKeys(string what) => Keys(
        Prop("max_batch_size", PropertyType.Integer, $"The most {what} at once.",
            defaultValue: 1L, constraints: Range(min: 1)),
        Prop("pause_time", PropertyType.Number, "Seconds to wait between batches.",
            defaultValue: 0L, constraints: Range(min: 0)));

    /// <summary>
    /// OS::Heat::ResourceGroup. Heat also refuses a rolling_update pause_time above 3600 seconds (a check in the
    /// resource's validate, not part of this schema).
    /// </summary>
    public static ResourceTypeSchema Schema { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.ResourceGroup,
        [
            Prop("count", PropertyType.Integer, "The number of members.",
                defaultValue: 1L, updateAllowed: true, constraints: Range(min: 0)),
            Prop("index_var", PropertyType.String, "The text replaced by each member's name in resource_def's strings.",
                defaultValue: "%index%", constraints: Length(min: 3)),
            Prop("resource_def", PropertyType.Map, "The definition of every member, as a resource in a template.",
                required: true, updateAllowed: true,
                schema: Keys(
                    Prop("type", PropertyType.String, "The members' resource type.", required: true),
                    Prop("properties", PropertyType.Map, "The members' properties."),
                    Prop("metadata", PropertyType.Map, "The members' metadata."))),
            Prop("removal_policies", PropertyType.List,
                "Members to remove on update, even if count does not change; a removed name is never reused.",
                defaultValue: ListOf(), updateAllowed: true,
                schema: Items(PropertyType.Map, Keys(
                    Prop("resource_list", PropertyType.List, "Member names or reference ids to remove.",
                        defaultValue: ListOf())))),
            Prop("removal_policies_mode", PropertyType.String,
                "append adds removal_policies to the names removed before; update replaces them.",
                defaultValue: "append", updateAllowed: true, constraints: AllowedValues("append", "update")),
        ],
        [
            Attr("refs", "The members' reference ids, in name order."),
            Attr("refs_map", "Member name to reference id."),
            Attr("attributes", "Member name to the member attribute named by the path (a path is required)."),
            Attr("removed_rsrc_list", "The names of the members removed by removal_policies."),
        ],
        anyAttributes: true) with
    {
        UpdatePolicy = Keys(
            Prop(RollingUpdate, PropertyType.Map, "Replace the members in batches when resource_def changes.",
                schema: Keys(
                    Prop("min_in_service", PropertyType.Integer, "The least number of members in service during the update.",
                        defaultValue: 0L, constraints: Range(min: 0)),
                    Prop("max_batch_size", PropertyType.Integer, "The most members to replace at once.",
                        defaultValue: 1L, constraints: Range(min: 1)),
                    Prop("pause_time", PropertyType.Number, "Seconds to wait between batches.",
                        defaultValue: 0L, constraints: Range(min: 0)))),
            Prop(BatchCreate, PropertyType.Map, "Create the members in batches.",
                schema: BatchPolicyKeys("members to create"))),
    };
}
