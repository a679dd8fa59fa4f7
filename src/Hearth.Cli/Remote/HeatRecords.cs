using System.Globalization;
using Hearth.Engine.Operations;
using Hearth.State;

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

    public static EventRecord Event(IReadOnlyDictionary<string, object?> map)
    {
        var (action, status) = Status(map.GetValueOrDefault("resource_status"));
        return new EventRecord(
            0, Text(map, "id"), "", "", Text(map, "resource_name"), map.GetValueOrDefault("physical_resource_id") as string,
            Text(map, "resource_type"), action, status, Text(map, "resource_status_reason"),
            Time(map.GetValueOrDefault("event_time")) ?? DateTimeOffset.UnixEpoch);
    }

    public static IReadOnlyList<OutputValue> Outputs(IReadOnlyDictionary<string, object?> stack) =>
        [.. Maps(stack.GetValueOrDefault("outputs")).Select(o => new OutputValue(
            Text(o, "output_key"), o.GetValueOrDefault("description") as string, o.GetValueOrDefault("output_value"), o.GetValueOrDefault("output_error") as string))];

    private static string Text(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as string ?? "";

    private static (ResourceAction, OperationStatus) Status(object? text) =>
        text is string s && HeatStatus.TryParse(s, out var action, out var status) ? (action, status) : (ResourceAction.Create, OperationStatus.Complete);

    private static DateTimeOffset? Time(object? text) =>
        text is string s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
