using Hearth.Engine.Operations;
using Hearth.Hosting;
using Microsoft.AspNetCore.Builder;
using Hearth.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's event routes, with its paging: <c>marker</c> (an event id: what comes after it), <c>limit</c>,
/// <c>sort_dir</c>, and <c>nested_depth</c> (nested stacks' events too, each linking to its own stack and the root).
/// The OpenStack client's <c>--wait</c> and <c>hook poll</c> are built on these.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var prefix in new[] { "/stacks/{stack_name}", "/stacks/{stack_name}/{stack_id}" })
        {
            v1.MapGet(prefix + "/events", (HttpContext http, string tenant_id, string stack_name, string? stack_id, HearthEngine host) =>
                ListAsync(http, tenant_id, stack_name, stack_id, null, host));
            v1.MapGet(prefix + "/resources/{resource_name}/events", ListAsync);
            v1.MapGet(prefix + "/resources/{resource_name}/events/{event_id}", ShowAsync);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, string? resource_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var query = http.Request.Query;
        var nested = int.TryParse(query["nested_depth"], out var depth) && depth > 0;
        IEnumerable<EventRecord> events = await host.Engine.ListEventsAsync(stack.Name, 0, int.MaxValue, http.RequestAborted);
        if (!nested)
        {
            events = events.Where(e => e.StackId == stack.Id);
        }

        if (resource_name is not null)
        {
            events = events.Where(e => e.ResourceName == resource_name);
        }

        if (string.Equals(query["sort_dir"], "desc", StringComparison.OrdinalIgnoreCase))
        {
            events = events.Reverse();
        }

        var list = events.ToList();
        if (query["marker"].ToString() is { Length: > 0 } marker)
        {
            var index = list.FindIndex(e => e.Id == marker);
            list = index < 0 ? throw new EngineException(EngineErrorKind.NotFound, $"The Event ({marker}) could not be found.") : list[(index + 1)..];
        }

        if (int.TryParse(query["limit"], out var limit) && limit >= 0)
        {
            list = [.. list.Take(limit)];
        }

        var links = new HeatLinks(http.Request, tenant_id);
        return HeatJson.Result(new Dictionary<string, object?> { ["events"] = list.Select(e => (object?)HeatApiViews.Event(links, stack, e)).ToList() });
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, string resource_name, string event_id, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var evt = (await host.Engine.ListEventsAsync(stack.Name, 0, int.MaxValue, http.RequestAborted)).FirstOrDefault(e => e.Id == event_id && e.ResourceName == resource_name)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"The Event ({event_id}) could not be found.");
        return HeatJson.Result(new Dictionary<string, object?> { ["event"] = HeatApiViews.Event(new HeatLinks(http.Request, tenant_id), stack, evt) });
    }
}
