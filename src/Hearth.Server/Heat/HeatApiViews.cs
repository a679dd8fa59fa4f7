using Hearth.Engine.Operations;
using Hearth.Hosting;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Server.Heat;

/// <summary>
/// Stacks, resources and events as Heat's API returns them: the fields <c>-f json</c> of the CLI shows
/// (<see cref="HeatViews"/>), with Heat's links and the aliases its client reads (<c>logical_resource_id</c>).
/// </summary>
internal static class HeatApiViews
{
    public static OrderedDictionary<string, object?> Stack(HeatLinks links, StackRecord stack, IReadOnlyDictionary<string, string>? parameters = null, IEnumerable<OutputValue>? outputs = null,
        string? description = null)
    {
        var view = HeatViews.Stack(stack, parameters, outputs, description ?? "");
        view["deletion_time"] = null;
        view["stack_owner"] = null;
        view["parent"] = stack.ParentStackId;
        view["tags"] = null;
        view["timeout_mins"] = null;
        view["capabilities"] = new List<object?>();
        view["notification_topics"] = new List<object?>();
        view["links"] = HeatLinks.Of(("self", links.Stack(stack)));
        return view;
    }

    public static OrderedDictionary<string, object?> Resource(HeatLinks links, StackRecord stack, StackResource resource)
    {
        var row = resource.Resource;
        var view = HeatViews.Resource(row);
        view["logical_resource_id"] = row.Name;
        view["creation_time"] = HeatViews.Time(row.CreatedAt);
        view["required_by"] = new List<object?>();
        view["stack_name"] = resource.StackName;
        // Nested stacks' resources link to their own stack, whose id is the row's stack id.
        var stackName = resource.StackName;
        view["links"] = HeatLinks.Of(
            ("self", links.Resource(stackName, row.StackId, row.Name)),
            ("stack", links.Stack(stackName, row.StackId)),
            ("root_stack", links.Stack(stack)));
        return view;
    }

    /// <summary>A resource of the template that no operation has acted on yet, as Heat shows it: INIT_COMPLETE.</summary>
    public static OrderedDictionary<string, object?> NotStarted(HeatLinks links, StackRecord stack, string name, string type)
    {
        var view = Value.NewMap();
        view["resource_name"] = name;
        view["resource_type"] = type;
        view["resource_status"] = "INIT_COMPLETE";
        view["resource_status_reason"] = "";
        view["physical_resource_id"] = "";
        view["updated_time"] = HeatViews.Time(stack.UpdatedAt ?? stack.CreatedAt);
        view["logical_resource_id"] = name;
        view["creation_time"] = HeatViews.Time(stack.CreatedAt);
        view["required_by"] = new List<object?>();
        view["stack_name"] = stack.Name;
        view["links"] = HeatLinks.Of(("self", links.Resource(stack.Name, stack.Id, name)), ("stack", links.Stack(stack)), ("root_stack", links.Stack(stack)));
        return view;
    }

    public static OrderedDictionary<string, object?> Event(HeatLinks links, StackRecord stack, EventRecord evt)
    {
        var view = HeatViews.Event(evt);
        view.Remove("sequence");
        view["logical_resource_id"] = evt.ResourceName;
        view["resource_type"] = evt.ResourceType;
        var isStackEvent = evt.ResourceName == evt.StackName && evt.StackId == stack.Id;
        if (isStackEvent)
        {
            // How Heat's client knows the stack's own events from its resources' (its --wait stops on them).
            view["physical_resource_id"] = evt.StackId;
        }

        var resource = links.Resource(evt.StackName, evt.StackId, evt.ResourceName);
        view["links"] = HeatLinks.Of(
            ("self", $"{resource}/events/{Uri.EscapeDataString(evt.Id)}"),
            ("resource", resource),
            ("stack", links.Stack(evt.StackName, evt.StackId)),
            ("root_stack", links.Stack(stack)));
        return view;
    }
}
