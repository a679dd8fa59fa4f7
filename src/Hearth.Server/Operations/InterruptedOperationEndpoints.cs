using Hearth.Hosting;
using Hearth.Server.Heat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Operations;

/// <summary>
/// Hearth's own stack actions, which Heat has no route for (its <c>cancel_update</c> stops updates only), under a
/// <c>hearth/</c> segment so they are never taken for Heat's: <c>POST …/stacks/{name}[/{id}]/hearth/resume</c> finishes an
/// interrupted operation; <c>…/hearth/cancel</c> rolls back an interrupted one, or stops the operation this server runs
/// on the stack, which then rolls back as after Ctrl+C. Both answer 202 once the operation is under way, as an update does.
/// </summary>
internal static class InterruptedOperationEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var prefix in StackLookup.RoutePrefixes)
        {
            v1.MapPost(prefix + "/hearth/resume", ResumeAsync);
            v1.MapPost(prefix + "/hearth/cancel", CancelAsync);
        }
    }

    private static async Task<IResult> ResumeAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var engine = host.Engine;
        var id = await operations.StartAsync(stack.Name, "resume", (observer, ct) => engine.ResumeAsync(stack.Name, observer, ct));
        return Accepted(http, tenant_id, stack.Name, id);
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        if (stack.Status == State.OperationStatus.InProgress && operations.Cancel(stack.Name))
        {
            return Accepted(http, tenant_id, stack.Name, stack.Id);
        }

        // Not running here: an interrupted operation to roll back, or the engine's refusal (nothing to cancel, another process holds it).
        var engine = host.Engine;
        var id = await operations.StartAsync(stack.Name, "cancel", (observer, ct) => engine.CancelAsync(stack.Name, observer, ct));
        return Accepted(http, tenant_id, stack.Name, id);
    }

    private static IResult Accepted(HttpContext http, string tenant_id, string name, string id)
    {
        var self = new HeatLinks(http.Request, tenant_id).Stack(name, id);
        http.Response.Headers.Location = self;
        var stack = new Dictionary<string, object?> { ["id"] = id, ["links"] = HeatLinks.Of(("self", self)) };
        return HeatJson.Result(new Dictionary<string, object?> { ["stack"] = stack }, StatusCodes.Status202Accepted);
    }
}
