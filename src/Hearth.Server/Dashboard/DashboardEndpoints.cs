using Hearth.Hosting;
using Hearth.Server.Heat;
using Hearth.Server.Live;
using Hearth.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Dashboard;

/// <summary>
/// The dashboard: its page (static files embedded in this assembly, served to anyone: they hold no data) and the few
/// reads it needs beyond Heat's routes, under the authenticated <c>/v1/{tenant_id}</c> group: a summary per stack, a
/// stack's graph by layers, its paused hooks.
/// </summary>
internal static class DashboardEndpoints
{
    public static void MapDashboardPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard/{file?}", (string? file) => DashboardFiles.Serve(file ?? "index.html"));
    }

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/dashboard/stacks", SummariesAsync);
        v1.MapGet("/stacks/{stack_name}/graph", GraphAsync);
        v1.MapGet("/stacks/{stack_name}/hooks", HooksAsync);
    }

    private static async Task<IResult> SummariesAsync(HttpContext http, HearthEngine host, TimeProvider time)
    {
        var now = time.GetUtcNow();
        // Taken before the reads: what is committed during them comes on the feed the page follows from here.
        var lastSequence = await EventPosition.LatestAsync(host.Store, http.RequestAborted);
        var summaries = new List<object?>();
        foreach (var stack in await host.Store.ListStacksAsync(http.RequestAborted))
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in await host.Store.ListResourcesAsync(stack.Id, http.RequestAborted))
            {
                if (row.IsCurrent)
                {
                    var key = row.Status.ToString();
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }

            var since = stack.UpdatedAt ?? stack.CreatedAt;
            summaries.Add(new Dictionary<string, object?>
            {
                ["stack_name"] = stack.Name,
                ["id"] = stack.Id,
                ["stack_status"] = HeatStatus.Format(stack.Action, stack.Status),
                ["stack_status_reason"] = stack.StatusReason,
                ["resources"] = counts,
                ["since"] = HeatViews.Time(since),
                // Seconds the running operation has taken so far; for a finished stack, since its last change.
                ["elapsed"] = (long)(now - since).TotalSeconds,
            });
        }

        return HeatJson.Result(new Dictionary<string, object?> { ["stacks"] = summaries, ["last_sequence"] = lastSequence });
    }

    private static async Task<IResult> GraphAsync(HttpContext http, string stack_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, null, http.RequestAborted);
        var lastSequence = await EventPosition.LatestAsync(host.Store, http.RequestAborted);
        var nodes = await host.Engine.GetGraphAsync(stack.Name, http.RequestAborted);
        var layers = GraphLayers.Of(nodes);
        var views = nodes.Select(n => (object?)new Dictionary<string, object?>
        {
            ["name"] = n.Name,
            ["type"] = n.Type,
            ["status"] = n.Status ?? "INIT_COMPLETE",
            ["layer"] = layers[n.Name],
            ["depends_on"] = n.DependsOn,
        }).ToList();
        return HeatJson.Result(new Dictionary<string, object?> { ["nodes"] = views, ["last_sequence"] = lastSequence });
    }

    private static async Task<IResult> HooksAsync(HttpContext http, string stack_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, null, http.RequestAborted);
        var hooks = await host.Engine.ListHooksAsync(stack.Name, http.RequestAborted);
        return HeatJson.Result(new Dictionary<string, object?>
        {
            ["hooks"] = hooks.Select(h => (object?)new Dictionary<string, object?>
            {
                ["resource_name"] = h.Resource,
                ["hook"] = h.Hook,
                ["since"] = HeatViews.Time(h.Since),
            }).ToList(),
        });
    }
}
