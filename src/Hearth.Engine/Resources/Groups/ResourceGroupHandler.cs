using System.Collections.Immutable;
using System.Globalization;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Engine.Resources.Handlers;
using Hearth.Templates.Functions;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Groups;

/// <summary>
/// OS::Heat::ResourceGroup: <c>count</c> members of <c>resource_def</c> in a child stack, named "0", "1", … (names
/// on the removal skip list are never reused), <c>index_var</c> replaced by each member's name in the definition's
/// strings. A change of count or removal_policies resizes the group; a change of resource_def updates the members
/// all at once, or in batches with <c>update_policy: {rolling_update: {max_batch_size, min_in_service, pause_time}}</c>
/// as Heat batches them (<see cref="RollingUpdate"/>). <c>batch_create: {max_batch_size, pause_time}</c> creates the
/// members in batches.
/// </summary>
internal sealed class ResourceGroupHandler(EngineContext? engine, StackDefinition? parent, ResourceDefinition? resource)
    : ChildStackHandler(engine, parent, resource)
{
    private const string SkipListKey = "skiplist";
    private const string DefinitionKey = "resource_def";

    public ResourceGroupHandler()
        : this(null, null, null)
    {
    }

    public override ResourceTypeSchema Schema => ResourceGroupSchema.Schema;

    protected override ChildStackHandler Bind(EngineContext engine, StackDefinition? definition, ResourceDefinition? resource) =>
        new ResourceGroupHandler(engine, definition, resource);

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var skipList = SkipList(request.Properties, members: [], previous: []);
        var names = MemberNames(Count(request.Properties), skipList);
        var definition = Definition(request.Properties);
        var indexVar = IndexVar(request.Properties);
        var batch = request.UpdatePolicy.GetValueOrDefault("batch_create") as IReadOnlyDictionary<string, object?>;
        var size = batch is null ? Math.Max(1, names.Count) : Math.Max(1, Int(batch, "max_batch_size", 1));
        var pause = batch is null ? TimeSpan.Zero : TimeSpan.FromSeconds(Number(batch, "pause_time"));

        // batch_create: the first batch creates the child stack, each next one grows it, with pause_time between.
        var first = names.Take(size).ToList();
        var template = Generate(parent, resource, first.Select(n => (n, definition)), indexVar);
        var child = await ChildStacks.CreateAsync(engine, parent, resource, template, Value.NewMap(), request, cancellationToken);
        var state = new ResourceState(request.Name, request.Type, child.Stack.Id, request.Properties, ImmutableDictionary<string, object?>.Empty, ImmutableDictionary<string, object?>.Empty);
        for (var created = first.Count; created < names.Count; created += size)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, engine.Time, cancellationToken);
            }

            var next = Generate(parent, resource, names.Take(created + size).Select(n => (n, definition)), indexVar);
            child = await ChildStacks.UpdateAsync(engine, parent, resource, next, Value.NewMap(), template, Value.NewMap(), state, request, cancellationToken);
            template = next;
        }

        return Result(engine, child, skipList, definition);
    }

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var members = GroupMembers.Members(current);
        var skipList = SkipList(request.Properties, members, current.Data.GetValueOrDefault(SkipListKey) as IReadOnlyList<object?> ?? []);
        var target = Count(request.Properties);
        var indexVar = IndexVar(request.Properties);
        var newDefinition = Definition(request.Properties);
        var oldDefinition = current.Data.GetValueOrDefault(DefinitionKey) as IReadOnlyDictionary<string, object?> ?? newDefinition;
        var previousTemplate = Generate(parent, resource, members.Select(m => (m.Name, oldDefinition)), indexVar);
        var rolling = request.UpdatePolicy.GetValueOrDefault("rolling_update") as IReadOnlyDictionary<string, object?>;
        ChildResult? child = null;

        if (rolling is not null && !Value.DeepEquals(oldDefinition, newDefinition) && members.Count > 0)
        {
            // Rolling: batch by batch, some members get the new definition while the rest keep serving.
            var live = members.Where(m => !skipList.Contains(m.Name)).Select(m => (m.Name, New: false)).ToList();
            var batches = RollingUpdate.Batches(target, live.Count, Int(rolling, "max_batch_size", 1), Int(rolling, "min_in_service", 0));
            var pause = TimeSpan.FromSeconds(Number(rolling, "pause_time"));
            IReadOnlyList<(string Name, bool New)> state = live;
            var before = previousTemplate;
            for (var i = 0; i < batches.Count; i++)
            {
                if (i > 0 && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, engine.Time, cancellationToken);
                }

                var plan = RollingUpdate.PlanBatch(state, batches[i], target, n => MemberNames(n, skipList));
                var template = Generate(parent, resource, plan.Members.Select(m => (m.Name, m.New ? newDefinition : oldDefinition)), indexVar);
                child = await ChildStacks.UpdateAsync(engine, parent, resource, template, Value.NewMap(), before, Value.NewMap(), current, request, cancellationToken);
                current = current with { PhysicalId = child.Stack.Id };
                before = template;
                state = plan.Members;
            }
        }
        else
        {
            var names = MemberNames(target, skipList);
            var template = Generate(parent, resource, names.Select(n => (n, newDefinition)), indexVar);
            child = await ChildStacks.UpdateAsync(engine, parent, resource, template, Value.NewMap(), previousTemplate, Value.NewMap(), current, request, cancellationToken);
        }

        return Result(engine, child ?? throw new InvalidOperationException("no batch ran"), skipList, newDefinition);
    }

    /// <summary>Every property of a group updates in place (a resize or a member update of its child stack).</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => changed.Contains("index_var");

    public override object? GetAttribute(ResourceState state, string name) => GetAttribute(state, name, []);

    /// <summary>Heat's group attributes: refs, refs_map, removed_rsrc_list, attributes (with a path), resource.N[.attr], and any member attribute as a list.</summary>
    public override object? GetAttribute(ResourceState state, string name, IReadOnlyList<object?> path)
    {
        var members = GroupMembers.Members(state);
        switch (name)
        {
            case "refs_map":
                var map = Value.NewMap();
                foreach (var member in members)
                {
                    map[member.Name] = member.Reference;
                }

                return AttributePath.Select(map, path);
            case "removed_rsrc_list":
                return AttributePath.Select(state.Data.GetValueOrDefault(SkipListKey), path);
            default:
                return GroupMembers.Attribute(members, name, path);
        }
    }

    private static int Count(IReadOnlyDictionary<string, object?> properties) => properties.GetValueOrDefault("count") is long n ? (int)n : 1;

    private static string IndexVar(IReadOnlyDictionary<string, object?> properties) => properties.GetValueOrDefault("index_var") as string ?? "%index%";

    private static IReadOnlyDictionary<string, object?> Definition(IReadOnlyDictionary<string, object?> properties) =>
        properties.GetValueOrDefault("resource_def") as IReadOnlyDictionary<string, object?> ?? Value.NewMap();

    private static int Int(IReadOnlyDictionary<string, object?> map, string key, int fallback) => map.GetValueOrDefault(key) is long n ? (int)n : fallback;

    private static double Number(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
    {
        long n => n,
        double d => d,
        _ => 0,
    };

    /// <summary>Member names "0", "1", … skipping the removal skip list (a removed name is never reused).</summary>
    internal static IReadOnlyList<string> MemberNames(int count, IReadOnlyCollection<string> skipList)
    {
        var names = new List<string>(count);
        for (var i = 0; names.Count < count; i++)
        {
            var name = i.ToString(CultureInfo.InvariantCulture);
            if (!skipList.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>
    /// The removal skip list: the names (or reference ids, matched to members) in <c>removal_policies</c>, added to
    /// the stored list (mode <c>append</c>, the default) or replacing it (mode <c>update</c>).
    /// </summary>
    private static List<string> SkipList(IReadOnlyDictionary<string, object?> properties, IReadOnlyList<GroupMembers.Member> members, IReadOnlyList<object?> previous)
    {
        var listed = (properties.GetValueOrDefault("removal_policies") as IReadOnlyList<object?> ?? [])
            .OfType<IReadOnlyDictionary<string, object?>>()
            .SelectMany(p => p.GetValueOrDefault("resource_list") as IReadOnlyList<object?> ?? [])
            .Select(Value.ToPythonString)
            .Select(entry => members.FirstOrDefault(m => Value.ToPythonString(m.Reference) == entry)?.Name ?? entry);
        var update = properties.GetValueOrDefault("removal_policies_mode") as string == "update";
        return [.. (update ? [] : previous.Select(Value.ToPythonString)).Concat(listed).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The child stack's template: one resource per member, the definition's strings with index_var replaced by the member's name.</summary>
    private static Template Generate(StackDefinition parent, ResourceDefinition resource, IEnumerable<(string Name, IReadOnlyDictionary<string, object?> Definition)> members, string indexVar) =>
        GroupMembers.Template(parent, resource, members.Select(m => (m.Name, MemberDefinition(m.Definition, indexVar, m.Name))));

    private static OrderedDictionary<string, object?> MemberDefinition(IReadOnlyDictionary<string, object?> definition, string indexVar, string name)
    {
        var member = Value.NewMap();
        member["type"] = definition.GetValueOrDefault("type");
        if (definition.GetValueOrDefault("properties") is { } properties)
        {
            member["properties"] = Substitute(properties, indexVar, name);
        }

        if (definition.GetValueOrDefault("metadata") is { } metadata)
        {
            member["metadata"] = Substitute(metadata, indexVar, name);
        }

        return member;
    }

    private static object? Substitute(object? value, string indexVar, string name) => value switch
    {
        string s => s.Replace(indexVar, name, StringComparison.Ordinal),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Substitute(kv.Value, indexVar, name)) is var d ? ToMap(d) : null,
        IReadOnlyList<object?> list => list.Select(item => Substitute(item, indexVar, name)).ToList(),
        _ => value,
    };

    private static OrderedDictionary<string, object?> ToMap(Dictionary<string, object?> entries)
    {
        var map = Value.NewMap();
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }

    private static ResourceResult Result(EngineContext engine, ChildResult child, IReadOnlyList<string> skipList, IReadOnlyDictionary<string, object?> definition)
    {
        var data = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        data[SkipListKey] = skipList.ToList<object?>();
        data[DefinitionKey] = definition;
        return GroupMembers.Result(engine, child, data);
    }
}
