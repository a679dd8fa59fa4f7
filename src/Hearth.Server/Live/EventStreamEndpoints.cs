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
            StreamAsync(http, host, time, EventScope.AllStacks));
        foreach (var prefix in new[] { "/stacks/{stack_name}", "/stacks/{stack_name}/{stack_id}" })
        {
            v1.MapGet(prefix + "/events/stream", async (HttpContext http, string stack_name, string? stack_id, HearthEngine host, TimeProvider time) =>
            {
                var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
                return await StreamAsync(http, host, time, EventScope.Stack(stack.Id));
            });
        }
    }

    private static async Task<IResult> StreamAsync(HttpContext http, HearthEngine host, TimeProvider time, EventScope scope)
    {
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
            await ServerSentEvents.StreamAsync(response.Body, host.Engine.Events, scope, after, time, ServerSentEvents.DefaultKeepAlive, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the stream's only way to end.
        }

        return Results.Empty;
    }
}
