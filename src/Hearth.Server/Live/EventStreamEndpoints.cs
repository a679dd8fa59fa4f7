using Hearth.Engine.Events;
using Hearth.Hosting;
using Hearth.Server.Heat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Live;

/// <summary>
/// The live event feed as Server-Sent Events, one stack's (with its nested stacks) or every stack's: what the store
/// holds after the client's <c>Last-Event-ID</c>, then each event as it is committed, until the client goes away.
/// Mapped on the authenticated <c>/v1/{tenant_id}</c> group, so it takes the same tokens (and the browser's cookie).
/// </summary>
internal static class EventStreamEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/events/stream", (HttpContext http, HearthEngine host, TimeProvider time) =>
            StreamAsync(http, host, time, EventScope.AllStacks, null));
        foreach (var prefix in StackLookup.RoutePrefixes)
        {
            v1.MapGet(prefix + "/events/stream", async (HttpContext http, string stack_name, string? stack_id, HearthEngine host, TimeProvider time) =>
            {
                var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
                return await StreamAsync(http, host, time, EventScope.Stack(stack.Id), stack.Name);
            });
        }
    }

    /// <summary>
    /// <c>?until=</c>: a stream that ends by itself (after an <c>event: end</c> message), for <c>hearth stack event list</c>
    /// through a server; without it, the stream goes on until the client hangs up.
    /// </summary>
    private static class Until
    {
        /// <summary>What is committed when the request comes: a listing.</summary>
        public const string Now = "now";

        /// <summary>The stack's operation running now (on an idle stack, the next one) has ended, or the stack is gone: <c>--follow</c>.</summary>
        public const string OperationEnd = "operation-end";

        /// <summary>
        /// The operation the client started (after its <c>Last-Event-ID</c>) has ended, even before the stream began; if
        /// none runs when it is caught up, at once: the CLI's wait for its own operation through the server.
        /// </summary>
        public const string StartedOperationEnd = "started-operation-end";
    }

    private static async Task<IResult> StreamAsync(HttpContext http, HearthEngine host, TimeProvider time, EventScope scope, string? stackName)
    {
        var until = http.Request.Query["until"].ToString();
        if (until is not ("" or Until.Now) && (until is not (Until.OperationEnd or Until.StartedOperationEnd) || stackName is null))
        {
            return HeatErrors.BadRequest(stackName is null
                ? $"until must be '{Until.Now}' on the stream of every stack, not '{until}'"
                : $"until must be '{Until.Now}', '{Until.OperationEnd}' or '{Until.StartedOperationEnd}', not '{until}'");
        }

        // EventSource sends the header on reconnection; a first connection may say where to start in the query instead.
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["after"].ToString();
        if (!ServerSentEvents.TryGetResumePoint(lastEventId, out var after))
        {
            return HeatErrors.BadRequest($"Last-Event-ID must be an event's sequence number, not '{lastEventId}'");
        }

        var response = http.Response;
        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        // Behind nginx, which buffers proxied responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(http.RequestAborted);
        try
        {
            var ct = http.RequestAborted;
            if (until == "")
            {
                await ServerSentEvents.StreamAsync(response.Body, host.Engine.Events, scope, after, time, ServerSentEvents.DefaultKeepAlive, ct);
            }
            else
            {
                var events = until switch
                {
                    Until.Now => host.Engine.Events.ReplayAsync(scope, after, ct),
                    Until.OperationEnd => host.Engine.FollowEventsAsync(stackName ?? "", after, ct),
                    _ => host.Engine.FollowStartedOperationAsync(stackName ?? "", after, ct),
                };
                await ServerSentEvents.StreamToEndAsync(response.Body, events, time, ServerSentEvents.DefaultKeepAlive, ct);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the stream's only way to end.
        }

        return Results.Empty;
    }
}
