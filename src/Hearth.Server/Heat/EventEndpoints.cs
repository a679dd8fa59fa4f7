using System.Globalization;
using Hearth.Engine.Operations;
using Hearth.Hosting;
using Microsoft.AspNetCore.Builder;
using Hearth.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's event routes, with its paging: <c>marker</c> (an event id: what comes after it; one that names no event is
/// ignored, as Heat ignores it), <c>limit</c>, <c>sort_dir</c>, and <c>nested_depth</c> (nested stacks' events too, that
/// many levels down, each linking to its own stack and the root). Each page is one indexed read of the store, so
/// paging through a 10,000-resource stack's events costs a page at a time. Oldest first unless <c>sort_dir=desc</c>
/// (Heat's own default is newest first; its clients always ask for <c>asc</c>, and Hearth's CLI relies on the order).
/// The OpenStack client's <c>--wait</c> and <c>hook poll</c> are built on these.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var prefix in StackLookup.RoutePrefixes)
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
        var page = new EventPageQuery(
            stack.Id,
            NestedDepth: NonNegativeInteger(query, "nested_depth") ?? 0,
            ResourceName: resource_name,
            Marker: query["marker"].ToString() is { Length: > 0 } marker ? marker : null,
            Descending: string.Equals(query["sort_dir"], "desc", StringComparison.OrdinalIgnoreCase),
            Limit: NonNegativeInteger(query, "limit"));
        var events = await host.Store.ListEventPageAsync(page, http.RequestAborted);
        var links = new HeatLinks(http.Request, tenant_id);
        return HeatJson.Result(new Dictionary<string, object?> { ["events"] = events.Select(e => (object?)HeatApiViews.Event(links, stack, e)).ToList() });
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, string resource_name, string event_id, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var evt = await host.Store.GetEventAsync(event_id, http.RequestAborted) is { } found
            && found.ResourceName == resource_name
            && await IsInTreeAsync(host.Store, found.StackId, stack.Id, http.RequestAborted)
                ? found
                : throw new EngineException(EngineErrorKind.NotFound, $"The Event ({event_id}) could not be found.");
        return HeatJson.Result(new Dictionary<string, object?> { ["event"] = HeatApiViews.Event(new HeatLinks(http.Request, tenant_id), stack, evt) });
    }

    /// <summary>Whether <paramref name="stackId"/> is <paramref name="rootId"/> or one of its nested stacks.</summary>
    private static async Task<bool> IsInTreeAsync(IStateStore store, string stackId, string rootId, CancellationToken cancellationToken)
    {
        for (string? id = stackId; id is not null; id = (await store.GetStackAsync(id, cancellationToken))?.ParentStackId)
        {
            if (id == rootId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A query parameter Heat reads as a count (param_utils.extract_int, zero allowed), with its messages.</summary>
    private static int? NonNegativeInteger(IQueryCollection query, string name)
    {
        if (query[name].ToString() is not { Length: > 0 } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new BadHeatRequestException($"Only integer is acceptable by '{name}'.");
        }

        return value >= 0 ? value : throw new BadHeatRequestException($"Value '{text}' is invalid for '{name}' which only accepts non-negative integer.");
    }
}
