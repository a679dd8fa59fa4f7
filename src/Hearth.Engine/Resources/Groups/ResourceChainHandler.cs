using System.Collections.Immutable;
using System.Globalization;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Engine.Resources.Handlers;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Groups;

/// <summary>
/// OS::Heat::ResourceChain (resource_chain.py): one member per type in <c>resources</c>, named "0", "1", … in a child
/// stack, each given <c>resource_properties</c>. Unless <c>concurrent</c>, member N depends on member N-1, so they
/// are created in order and deleted in reverse. A change of <c>resources</c> updates the child stack (a member whose
/// type changes is replaced, an added one created, a dropped one deleted); the other properties replace the chain.
/// </summary>
internal sealed class ResourceChainHandler(EngineContext? engine, StackDefinition? parent, ResourceDefinition? resource)
    : ChildStackHandler(engine, parent, resource)
{
    public ResourceChainHandler()
        : this(null, null, null)
    {
    }

    public override ResourceTypeSchema Schema => ResourceChainSchema.Schema;

    protected override ChildStackHandler Bind(EngineContext engine, StackDefinition? definition, ResourceDefinition? resource) =>
        new ResourceChainHandler(engine, definition, resource);

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var child = await ChildStacks.CreateAsync(engine, parent, resource, Generate(parent, resource, request.Properties), Value.NewMap(), request, cancellationToken);
        return GroupMembers.Result(engine, child, ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal));
    }

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var child = await ChildStacks.UpdateAsync(
            engine, parent, resource, Generate(parent, resource, request.Properties), Value.NewMap(),
            Generate(parent, resource, current.Properties), Value.NewMap(), current, request, cancellationToken);
        return GroupMembers.Result(engine, child, ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal));
    }

    public override object? GetAttribute(ResourceState state, string name) => GetAttribute(state, name, []);

    /// <summary>Heat's chain attributes: refs, attributes (with a path), resource.N[.attr], and any member attribute as a list.</summary>
    public override object? GetAttribute(ResourceState state, string name, IReadOnlyList<object?> path) =>
        GroupMembers.Attribute(GroupMembers.Members(state), name, path);

    /// <summary>The child stack's template: member N of type resources[N] with resource_properties, depending on N-1 unless concurrent.</summary>
    private static Template Generate(StackDefinition parent, ResourceDefinition resource, IReadOnlyDictionary<string, object?> properties)
    {
        var types = properties.GetValueOrDefault("resources") as IReadOnlyList<object?> ?? [];
        var concurrent = properties.GetValueOrDefault("concurrent") is true;
        var memberProperties = properties.GetValueOrDefault("resource_properties");
        var members = new List<(string, OrderedDictionary<string, object?>)>(types.Count);
        for (var i = 0; i < types.Count; i++)
        {
            var member = Value.NewMap();
            member["type"] = types[i];
            if (memberProperties is not null)
            {
                member["properties"] = memberProperties;
            }

            if (i > 0 && !concurrent)
            {
                member["depends_on"] = new List<object?> { Name(i - 1) };
            }

            members.Add((Name(i), member));
        }

        return GroupMembers.Template(parent, resource, members);
    }

    private static string Name(int index) => index.ToString(CultureInfo.InvariantCulture);
}
