using Hearth.Engine.Events;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Hosting;

/// <summary>
/// Stacks, resources, events and outputs as Heat's API names their fields (<c>stack_name</c>, <c>resource_status</c>,
/// <c>output_value</c>…), so scripts written against <c>openstack stack … -f json</c> read Hearth's JSON too.
/// </summary>
public static class HeatViews
{
    /// <param name="description">The template's description, as Heat's show and list give it (null leaves it out: the result of an operation).</param>
    public static OrderedDictionary<string, object?> Stack(StackRecord stack, IReadOnlyDictionary<string, string>? parameters = null, IEnumerable<OutputValue>? outputs = null,
        string? description = null)
    {
        var map = Value.NewMap();
        map["id"] = stack.Id;
        map["stack_name"] = stack.Name;
        if (description is not null)
        {
            map["description"] = description;
        }

        map["stack_status"] = HeatStatus.Format(stack.Action, stack.Status);
        map["stack_status_reason"] = stack.StatusReason;
        map["creation_time"] = Time(stack.CreatedAt);
        map["updated_time"] = UpdatedTime(stack) is { } updated ? Time(updated) : null;
        map["disable_rollback"] = stack.DisableRollback;
        if (parameters is not null)
        {
            var values = Value.NewMap();
            foreach (var (key, value) in parameters)
            {
                values[key] = value;
            }

            map["parameters"] = values;
        }

        if (outputs is not null)
        {
            map["outputs"] = outputs.Select(Output).ToList<object?>();
        }

        return map;
    }

    /// <summary>When the stack was last updated, as Heat says it: none for a stack that was only ever created.</summary>
    public static DateTimeOffset? UpdatedTime(StackRecord stack) =>
        stack.Action is ResourceAction.Create or ResourceAction.Init ? null : stack.UpdatedAt;

    public static OrderedDictionary<string, object?> Resource(ResourceRecord resource)
    {
        var map = Value.NewMap();
        map["resource_name"] = resource.Name;
        map["resource_type"] = resource.Type;
        map["resource_status"] = HeatStatus.Format(resource.Action, resource.Status);
        map["resource_status_reason"] = resource.StatusReason;
        map["physical_resource_id"] = resource.PhysicalId;
        map["updated_time"] = Time(resource.UpdatedAt ?? resource.CreatedAt);
        return map;
    }

    /// <summary>
    /// One resource in full, as <c>stack resource show</c> shows it: <see cref="Resource"/> with its properties, attributes
    /// and metadata (hidden values already masked in <paramref name="resource"/>), and which of
    /// <paramref name="stackResources"/> (its stack's) depend on it.
    /// </summary>
    public static OrderedDictionary<string, object?> ResourceDetail(ResourceRecord resource, IEnumerable<ResourceRecord> stackResources)
    {
        var map = Resource(resource);
        map["description"] = "";
        map["properties"] = ValueJson.Deserialize(resource.PropertiesJson);
        map["attributes"] = ValueJson.Deserialize(resource.AttributesJson);
        map["metadata"] = ValueJson.Deserialize(resource.MetadataJson);
        map["required_by"] = stackResources
            .Where(r => ValueJson.Deserialize(r.RequiresJson) is IReadOnlyList<object?> requires && requires.Contains(resource.Name))
            .Select(r => (object?)r.Name)
            .ToList();
        return map;
    }

    /// <summary>
    /// An event with Heat's fields, and a failed step's failure as <see cref="ServerSentEvents.FailureMember"/> (as the
    /// live stream carries it): the reason, exit code and the tails of the script's stderr and stdout, which Heat's
    /// events lack. It was masked when recorded, so hidden values are not in it.
    /// </summary>
    public static OrderedDictionary<string, object?> Event(EventRecord evt)
    {
        var map = Value.NewMap();
        map["id"] = evt.Id;
        map["sequence"] = evt.Sequence;
        map["resource_name"] = evt.ResourceName;
        map["resource_status"] = HeatStatus.Format(evt.Action, evt.Status);
        map["resource_status_reason"] = evt.StatusReason;
        map["physical_resource_id"] = evt.PhysicalResourceId;
        map["event_time"] = Time(evt.Time);
        if (evt.Kind == EventKind.Failed && evt.Payload is { } failure)
        {
            map[ServerSentEvents.FailureMember] = ValueJson.Deserialize(failure);
        }

        return map;
    }

    public static OrderedDictionary<string, object?> Output(OutputValue output)
    {
        var map = Value.NewMap();
        map["output_key"] = output.Key;
        map["description"] = output.Description;
        if (output.Error is not null)
        {
            map["output_value"] = null;
            map["output_error"] = output.Error;
        }
        else
        {
            map["output_value"] = output.Value;
        }

        return map;
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A value as one line of a table: strings as they are, anything else as JSON.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        string s => s,
        _ => Value.ToPythonJson(value, sortKeys: false),
    };
}
