using System.Net;

namespace Hearth.Server.Tests;

/// <summary>The live event feed as Server-Sent Events over real HTTP: a client that reconnects gets exactly what it missed.</summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task StackStream_ReconnectingWithLastEventId_GetsExactlyWhatItMissed()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        (await api.CreateStackAsync("demo", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);

        // First connection: everything up to the pause at the hook, then the client goes away.
        List<EventStreamReader.Message> before;
        using (var first = await EventStreamReader.OpenAsync(server.Endpoint + "/stacks/demo/events/stream", token))
        {
            first.ContentType.ShouldBe("text/event-stream");
            before = await first.ReadUntilAsync(m => m.Field("resource_status_reason").Contains("paused until Hook", StringComparison.Ordinal));
        }

        // While it is away the operation goes on to the end.
        (await api.PostAsync("/stacks/demo/resources/after/signal", new Dictionary<string, string> { ["unset_hook"] = "pre-create" })).Status.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(async () => await api.StatusAsync("demo") == "CREATE_COMPLETE", "demo is created");
        using var again = await EventStreamReader.OpenAsync(server.Endpoint + "/stacks/demo/events/stream", token, before[^1].Id);
        var after = await again.ReadUntilAsync(IsStackComplete);
        using var everyStack = await EventStreamReader.OpenAsync(server.Endpoint + "/events/stream", token, before[^1].Id);
        var afterInAll = await everyStack.ReadUntilAsync(IsStackComplete);

        var stored = (await api.GetAsync("/stacks/demo/events")).Json().GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        before.Concat(after).Select(m => m.Field("id")).ShouldBe(stored);
        after[0].Field("resource_status_reason").ShouldBe("Hook pre-create is cleared");
        afterInAll.Select(m => m.Field("id")).ShouldBe(after.Select(m => m.Field("id")));
        // The SSE id is the sequence number a reconnecting EventSource sends back.
        before.Concat(after).Select(m => m.Id).ShouldBe(before.Concat(after).Select(m => m.Data.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task AllStacksStream_StackDeletedWhileTheClientWasAway_ReconnectingGetsEveryEventOfTheDelete()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        (await api.CreateStackAsync("demo", Templates.Greeting)).Status.ShouldBe(HttpStatusCode.Created);
        List<EventStreamReader.Message> before;
        using (var first = await EventStreamReader.OpenAsync(server.Endpoint + "/events/stream", token))
        {
            before = await first.ReadUntilAsync(IsStackComplete);
        }

        // While the client is away the stack is deleted, to the end: it reads as gone.
        (await api.DeleteAsync("/stacks/demo")).Status.ShouldBe(HttpStatusCode.NoContent);
        await Poll.UntilAsync(async () => (await api.GetAsync("/stacks/demo")).Status == HttpStatusCode.NotFound, "demo is gone");
        using var again = await EventStreamReader.OpenAsync(server.Endpoint + "/events/stream", token, before[^1].Id);
        var after = await again.ReadUntilAsync(m => m.Field("resource_name") == "demo" && m.Field("resource_status") == "DELETE_COMPLETE");

        after[0].Field("resource_name").ShouldBe("demo");
        after[0].Field("resource_status").ShouldBe("DELETE_IN_PROGRESS");
        after.Count.ShouldBeGreaterThan(2, "the resources' delete events came too");
        after.Select(m => long.Parse(m.Id, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeInOrder(SortDirection.Ascending);
        after.Select(m => m.Field("id")).Intersect(before.Select(m => m.Field("id"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Stream_WithoutTokenOrWithBadLastEventId_IsRefused()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);

        using var anonymous = await EventStreamReader.OpenAsync(server.Endpoint + "/events/stream", null);
        using var badResume = await EventStreamReader.OpenAsync(server.Endpoint + "/events/stream", token, "yesterday");
        using var noStack = await EventStreamReader.OpenAsync(server.Endpoint + "/stacks/nothing/events/stream", token);

        anonymous.Status.ShouldBe(HttpStatusCode.Unauthorized);
        badResume.Status.ShouldBe(HttpStatusCode.BadRequest);
        System.Text.Json.JsonDocument.Parse(await badResume.BodyAsync()).RootElement.GetProperty("error").GetProperty("message").GetString()
            .ShouldBe("Last-Event-ID must be an event's sequence number, not 'yesterday'");
        noStack.Status.ShouldBe(HttpStatusCode.NotFound);
    }

    private static bool IsStackComplete(EventStreamReader.Message m) =>
        m.Field("resource_name") == "demo" && m.Field("resource_status") == "CREATE_COMPLETE";
}
