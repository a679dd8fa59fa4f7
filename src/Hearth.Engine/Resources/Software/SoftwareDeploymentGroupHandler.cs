using System.Collections.Immutable;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Software;

/// <summary>
/// OS::Heat::SoftwareDeploymentGroup and StructuredDeploymentGroup: one deployment of the same config per entry of
/// <c>servers</c> (member name → server id), run in parallel (each server still runs one deployment at a time).
/// Attributes are maps keyed by member name: <c>deploy_stdouts</c>, <c>deploy_stderrs</c>,
/// <c>deploy_status_codes</c>, and every declared output. Members are kept in the resource's own data.
/// </summary>
internal sealed class SoftwareDeploymentGroupHandler(ResourceTypeSchema schema, SoftwareDeploymentHandler member, TimeProvider time) : ResourceHandler
{
    private const string MembersKey = "members";

    public override ResourceTypeSchema Schema => schema;

    public static SoftwareDeploymentGroupHandler Software(DeploymentServices? services, TimeProvider time) =>
        new(SoftwareDeploymentSchemas.SoftwareDeploymentGroup, SoftwareDeploymentHandler.Software(services), time);

    public static SoftwareDeploymentGroupHandler Structured(DeploymentServices? services, TimeProvider time) =>
        new(SoftwareDeploymentSchemas.StructuredDeploymentGroup, SoftwareDeploymentHandler.Structured(services), time);

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        ConvergeAsync(request, current: null, cancellationToken);

    public override Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        ConvergeAsync(request, current, cancellationToken);

    public override async Task<string?> DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken)
    {
        var notes = await Task.WhenAll(Members(current).Select(m => member.DeleteAsync(m.Value, stack, cancellationToken)));
        return notes.OfType<string>().Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } said ? string.Join("; ", said) : null;
    }

    /// <summary>Every property change is an update of the members (Heat: a change of resource_def).</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => false;

    private async Task<ResourceResult> ConvergeAsync(ResourceRequest request, ResourceState? current, CancellationToken cancellationToken)
    {
        var servers = request.Properties.GetValueOrDefault("servers") as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var existing = current is null ? [] : Members(current);

        // Heat's batching for deployment groups: batch_create on create, rolling_update on update
        // ({max_batch_size, pause_time}; there is no min_in_service). Without a policy every member runs at once.
        var policy = request.UpdatePolicy.GetValueOrDefault(current is null ? "batch_create" : "rolling_update") as IReadOnlyDictionary<string, object?>;
        var batchSize = policy?.GetValueOrDefault("max_batch_size") is long size && size > 0 ? (int)size : Math.Max(1, servers.Count);
        var pause = policy?.GetValueOrDefault("pause_time") switch
        {
            long seconds => TimeSpan.FromSeconds(seconds),
            double seconds => TimeSpan.FromSeconds(seconds),
            _ => TimeSpan.Zero,
        };

        var members = new List<(string Key, ResourceState State)>();
        var ordered = servers.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        for (var start = 0; start < ordered.Count; start += batchSize)
        {
            if (start > 0 && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, cancellationToken);
            }

            members.AddRange(await Task.WhenAll(ordered.Skip(start).Take(batchSize).Select(async entry =>
            {
                var properties = Value.NewMap();
                foreach (var (key, value) in request.Properties.Where(kv => kv.Key != "servers"))
                {
                    properties[key] = value;
                }

                properties["server"] = Value.ToPythonString(entry.Value);
                // Each member has a name of its own under the group's, so its working folder is its own and stable.
                var memberRequest = request with { Name = entry.Key, Properties = properties, PhysicalName = $"{request.PhysicalName}/{entry.Key}" };
                var result = existing.TryGetValue(entry.Key, out var state)
                    ? await member.UpdateAsync(memberRequest, state, new HashSet<string>(StringComparer.Ordinal), cancellationToken)
                    : await member.CreateAsync(memberRequest, cancellationToken);
                return (entry.Key, State: new ResourceState(entry.Key, request.Type, result.PhysicalId, properties, result.Attributes, result.Data));
            })));
        }

        // Members no longer listed run their DELETE (when their actions include it) and leave the group.
        await Task.WhenAll(existing.Where(m => !servers.ContainsKey(m.Key)).Select(m => member.DeleteAsync(m.Value, request.Stack, cancellationToken)));
        return Result(current?.PhysicalId ?? Guid.NewGuid().ToString(), [.. members.OrderBy(m => m.Key, StringComparer.Ordinal)]);
    }

    private static ResourceResult Result(string physicalId, List<(string Name, ResourceState State)> members)
    {
        var attributes = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        var names = members.SelectMany(m => m.State.Attributes.Keys).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var byMember = Value.NewMap();
            foreach (var (member, state) in members)
            {
                byMember[member] = state.Attributes.GetValueOrDefault(name);
            }

            attributes[name switch
            {
                "deploy_stdout" => "deploy_stdouts",
                "deploy_stderr" => "deploy_stderrs",
                "deploy_status_code" => "deploy_status_codes",
                _ => name,
            }] = byMember;
        }

        var stored = Value.NewMap();
        foreach (var (member, state) in members)
        {
            var entry = Value.NewMap();
            entry["physical_id"] = state.PhysicalId;
            entry["properties"] = state.Properties;
            entry["attributes"] = state.Attributes;
            entry["data"] = state.Data;
            stored[member] = entry;
        }

        return new ResourceResult(physicalId, attributes.ToImmutable(),
            ImmutableDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal).Add(MembersKey, stored));
    }

    private static Dictionary<string, ResourceState> Members(ResourceState group) =>
        (group.Data.GetValueOrDefault(MembersKey) as IReadOnlyDictionary<string, object?> ?? Value.NewMap())
            .Where(kv => kv.Value is IReadOnlyDictionary<string, object?>)
            .ToDictionary(
                kv => kv.Key,
                kv =>
                {
                    var entry = kv.Value as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
                    return new ResourceState(
                        kv.Key,
                        group.Type,
                        entry.GetValueOrDefault("physical_id") as string,
                        entry.GetValueOrDefault("properties") as IReadOnlyDictionary<string, object?> ?? Value.NewMap(),
                        entry.GetValueOrDefault("attributes") as IReadOnlyDictionary<string, object?> ?? Value.NewMap(),
                        entry.GetValueOrDefault("data") as IReadOnlyDictionary<string, object?> ?? Value.NewMap())
                    {
                        // The member's own name under the group's: its DELETE runs in the folder its CREATE used.
                        PhysicalName = group.PhysicalName is { } name ? $"{name}/{kv.Key}" : null,
                    };
                },
                StringComparer.Ordinal);
}
