using System.Collections.Immutable;
using Hearth.Engine.Failures;
using Hearth.Engine.Resources.Handlers;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Functions;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Groups;

/// <summary>
/// What the resources that keep their members in a generated child stack (ResourceGroup, ResourceChain) share: the
/// child template, the members' references and attributes kept in the resource's data, and the attributes Heat's
/// grouputils answers from them.
/// </summary>
internal static class GroupMembers
{
    private const string MembersKey = "members";

    /// <summary>A member as stored in the resource's data: its name, reference id and attributes.</summary>
    internal sealed record Member(string Name, object? Reference, IReadOnlyDictionary<string, object?> Attributes);

    /// <summary>The child stack's template from its members' resource definitions, in order.</summary>
    public static Template Template(StackDefinition parent, ResourceDefinition resource, IEnumerable<(string Name, OrderedDictionary<string, object?> Definition)> members)
    {
        var resources = Value.NewMap();
        foreach (var (name, definition) in members)
        {
            resources[name] = definition;
        }

        var document = Value.NewMap();
        document["heat_template_version"] = "2015-04-30";
        document["resources"] = resources;
        // The members' template sits beside the parent's, so a member type that is a template file resolves as the parent's would.
        var path = Path.Combine(Path.GetDirectoryName(parent.Template.File) ?? "/", $"{resource.Name}.members.json");
        var diagnostics = new DiagnosticBag();
        return parent.Templates.Read(path, ValueJson.Serialize(document), diagnostics)
            ?? throw new ResourceFailedException(FailureKind.InvalidInput, "the group's member template is invalid: " + string.Join("; ", diagnostics.ToImmutable()));
    }

    /// <summary>The result of a create or update: the child stack and its members (in name order) in the data, beside <paramref name="data"/>.</summary>
    public static ResourceResult Result(EngineContext engine, ChildResult child, ImmutableDictionary<string, object?>.Builder data)
    {
        var members = new List<object?>();
        foreach (var row in child.Resources.OrderBy(r => long.TryParse(r.Name, out var n) ? n : long.MaxValue).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            var state = Operations.RowMapping.ToState(row);
            var handler = engine.Handlers.Find(row.Type);
            var attributes = Value.NewMap();
            foreach (var (key, value) in state.Attributes)
            {
                attributes[key] = value;
            }

            var entry = Value.NewMap();
            entry["name"] = row.Name;
            entry["reference"] = handler?.ReferenceId(state) ?? row.PhysicalId;
            entry["attributes"] = attributes;
            members.Add(entry);
        }

        data[MembersKey] = members;
        return new ResourceResult(child.Stack.Id, ImmutableDictionary<string, object?>.Empty, data.ToImmutable());
    }

    public static List<Member> Members(ResourceState state) =>
        (state.Data.GetValueOrDefault(MembersKey) as IReadOnlyList<object?> ?? [])
            .OfType<IReadOnlyDictionary<string, object?>>()
            .Select(m => new Member(
                m.GetValueOrDefault("name") as string ?? "",
                m.GetValueOrDefault("reference"),
                m.GetValueOrDefault("attributes") as IReadOnlyDictionary<string, object?> ?? Value.NewMap()))
            .ToList();

    /// <summary>
    /// The attributes every group answers as Heat's grouputils does: refs, attributes (with a path: member name to the
    /// member's attribute), resource.N[.attr], and any other name as the list of the members' attribute of that name.
    /// </summary>
    public static object? Attribute(IReadOnlyList<Member> members, string name, IReadOnlyList<object?> path)
    {
        switch (name)
        {
            case "refs":
                return AttributePath.Select(members.Select(m => m.Reference).ToList(), path);
            case "attributes" when path.Count > 0 && path[0] is string attribute:
                var byMember = Value.NewMap();
                foreach (var member in members)
                {
                    byMember[member.Name] = AttributePath.Select(member.Attributes.GetValueOrDefault(attribute), path.Skip(1).ToList());
                }

                return byMember;
            case var resource when resource.StartsWith("resource.", StringComparison.Ordinal):
                var parts = resource.Split('.');
                var found = members.FirstOrDefault(m => m.Name == parts[1]);
                if (found is null)
                {
                    return null;
                }

                return parts.Length == 2
                    ? AttributePath.Select(found.Reference, path)
                    : AttributePath.Select(found.Attributes.GetValueOrDefault(parts[2]), [.. parts.Skip(3), .. path]);
            default:
                return members.Select(m => AttributePath.Select(m.Attributes.GetValueOrDefault(name), path)).ToList();
        }
    }
}
