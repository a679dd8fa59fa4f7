using System.Globalization;
using Hearth.Engine.Events;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Cli.Remote;

/// <summary>
/// Heat's JSON stacks, resources, events and outputs back as the records the commands render; the fields the API
/// does not carry (stored definitions, row ids, operation ids) are left empty, and no command renders them.
/// </summary>
internal static class HeatRecords
{
    public static IEnumerable<IReadOnlyDictionary<string, object?>> Maps(object? list) =>
        (list as IReadOnlyList<object?> ?? []).OfType<IReadOnlyDictionary<string, object?>>();

    public static StackRecord Stack(IReadOnlyDictionary<string, object?> map)
    {
        var (action, status) = Status(map.GetValueOrDefault("stack_status"));
        return new StackRecord(
            Text(map, "id"),
            Text(map, "stack_name"),
            map.GetValueOrDefault("parent") as string,
            null,
            action,
            status,
            Text(map, "stack_status_reason"),
            Time(map.GetValueOrDefault("creation_time")) ?? DateTimeOffset.UnixEpoch,
            Time(map.GetValueOrDefault("updated_time")),
            null,
            null,
            map.GetValueOrDefault("disable_rollback") is true,
            null);
    }

    public static ResourceRecord Resource(IReadOnlyDictionary<string, object?> map)
    {
        var (action, status) = Status(map.GetValueOrDefault("resource_status"));

        // Heat's updated_time is already the last change (created, if never updated), which is what the CLI shows.
        return new ResourceRecord(
            0, "", Text(map, "resource_name"), Text(map, "resource_type"), action, status, Text(map, "resource_status_reason"),
            map.GetValueOrDefault("physical_resource_id") as string is { Length: > 0 } id ? id : null,
            "{}", "{}", "{}", "[]", "{}", null, null, true, null,
            Time(map.GetValueOrDefault("updated_time")) ?? DateTimeOffset.UnixEpoch, null);
    }

    /// <summary>
    /// A resource as <c>…/resources?with_detail=true</c> shows it, with its properties, attributes and metadata; what it
    /// requires is read back from the others' <c>required_by</c> (<paramref name="requires"/>), the only way the API tells it.
    /// </summary>
    public static ResourceRecord DetailedResource(IReadOnlyDictionary<string, object?> map, IEnumerable<string> requires) =>
        Resource(map) with
        {
            PropertiesJson = ValueJson.Serialize(map.GetValueOrDefault("properties") ?? Value.NewMap()),
            AttributesJson = ValueJson.Serialize(map.GetValueOrDefault("attributes") ?? Value.NewMap()),
            MetadataJson = ValueJson.Serialize(map.GetValueOrDefault("metadata") ?? Value.NewMap()),
            RequiresJson = ValueJson.Serialize(requires.Select(r => (object?)r).ToList()),
        };

    /// <summary>
    /// An event as the server's event stream sends it (<see cref="ServerSentEvents"/>), with its sequence number and, for
    /// a failed step, its failure as the engine recorded it (so the CLI renders it as for a local run).
    /// </summary>
    public static EventRecord Event(IReadOnlyDictionary<string, object?> map)
    {
        var (action, status) = Status(map.GetValueOrDefault("resource_status"));
        var failure = map.GetValueOrDefault(ServerSentEvents.FailureMember) is IReadOnlyDictionary<string, object?> recorded ? ValueJson.Serialize(recorded) : null;
        return new EventRecord(
            map.GetValueOrDefault("sequence") is { } sequence ? Convert.ToInt64(sequence, CultureInfo.InvariantCulture) : 0,
            Text(map, "id"), Text(map, "stack_id"), Text(map, "stack_name"), Text(map, "resource_name"), map.GetValueOrDefault("physical_resource_id") as string,
            Text(map, "resource_type"), action, status, Text(map, "resource_status_reason"),
            Time(map.GetValueOrDefault("event_time")) ?? DateTimeOffset.UnixEpoch,
            failure is null ? EventKind.Status : EventKind.Failed,
            failure);
    }

    /// <summary>A resource paused at a hook, as the server's <c>…/hooks</c> lists it.</summary>
    public static PausedHook Hook(IReadOnlyDictionary<string, object?> map) =>
        new(Text(map, "resource_name"), Text(map, "hook"), Time(map.GetValueOrDefault("since")) ?? DateTimeOffset.UnixEpoch);

    /// <summary>A change of a preview, with what Hearth's server adds to Heat's (the properties that change, values known only after).</summary>
    public static ResourceChange Change(IReadOnlyDictionary<string, object?> map) =>
        new(
            Text(map, "resource_name"),
            Text(map, "resource_type"),
            Enum.TryParse<ChangeKind>(Text(map, "resource_action"), ignoreCase: true, out var kind) ? kind : ChangeKind.Unchanged,
            Text(map, "reason"),
            [.. (map.GetValueOrDefault("changed_properties") as IReadOnlyList<object?> ?? []).OfType<string>()],
            map.GetValueOrDefault("known_after_apply") is true);

    public static IReadOnlyList<OutputValue> Outputs(IReadOnlyDictionary<string, object?> stack) =>
        [.. Maps(stack.GetValueOrDefault("outputs")).Select(o => new OutputValue(
            Text(o, "output_key"), o.GetValueOrDefault("description") as string, o.GetValueOrDefault("output_value"), o.GetValueOrDefault("output_error") as string))];

    private static string Text(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as string ?? "";

    private static (ResourceAction, OperationStatus) Status(object? text) =>
        text is string s && HeatStatus.TryParse(s, out var action, out var status) ? (action, status) : (ResourceAction.Create, OperationStatus.Complete);

    private static DateTimeOffset? Time(object? text) =>
        text is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
