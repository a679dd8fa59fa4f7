using System.Net;
using System.Text;
using Hearth.Cli.Remote;

namespace Hearth.Cli.Tests.Remote;

/// <summary>
/// The client's side of a stream that ends (<c>…/events/stream?until=…</c>): a connection that drops before the server's
/// <c>event: end</c> is reopened with <c>Last-Event-ID</c>, so every event comes once; a stream that ends is not reopened.
/// A hand-written handler stands in for the server (the real one is in Hearth.Server.Tests' CliThroughServer tests).
/// </summary>
public sealed class HeatHttpEventStreamTests
{
    [Fact]
    public async Task EventsAsync_ConnectionDropsMidStream_ReopensAfterTheLastEventAndGetsEachOnce()
    {
        var handler = new ScriptedStreams(
            Messages(1, 2) + "id: 3\ndata: {\"seq",
            Messages(3) + ": keep-alive\n\n" + Messages(4) + "event: end\ndata: {}\n\n");
        using var http = new HeatHttp(new HttpClient(handler), "http://server/v1/hearth");

        var events = await ReadAllAsync(http, afterSequence: 0);

        events.ShouldBe([1, 2, 3, 4]);
        handler.LastEventIds.ShouldBe([null, "2"]);
    }

    [Fact]
    public async Task EventsAsync_AfterASequence_AsksFromThereAndStopsAtTheEnd()
    {
        var handler = new ScriptedStreams(Messages(8, 9) + "event: end\ndata: {}\n\n", "never asked for");
        using var http = new HeatHttp(new HttpClient(handler), "http://server/v1/hearth");

        var events = await ReadAllAsync(http, afterSequence: 7);

        events.ShouldBe([8, 9]);
        handler.LastEventIds.ShouldBe(["7"]);
    }

    [Fact]
    public async Task EventsAsync_StreamKeepsDroppingWithoutNews_GivesUpSayingSo()
    {
        var handler = new ScriptedStreams(Messages(1), "", "", "", "");
        using var http = new HeatHttp(new HttpClient(handler), "http://server/v1/hearth");

        var failure = await Should.ThrowAsync<UserErrorException>(() => ReadAllAsync(http, afterSequence: 0));

        failure.Message.ShouldBe("the server http://server/v1/hearth keeps closing the event stream");
        failure.ExitCode.ShouldBe(ExitCodes.StateUnusable);
    }

    private static async Task<List<long>> ReadAllAsync(HeatHttp http, long afterSequence)
    {
        var sequences = new List<long>();
        await foreach (var data in http.EventsAsync("/stacks/s/events/stream?until=now", afterSequence, () => new InvalidOperationException("404"), CancellationToken.None))
        {
            sequences.Add(Convert.ToInt64(data["sequence"], System.Globalization.CultureInfo.InvariantCulture));
        }

        return sequences;
    }

    private static string Messages(params long[] sequences) =>
        string.Concat(sequences.Select(s => $"id: {s}\ndata: {{\"sequence\": {s}}}\n\n"));

    /// <summary>Answers each request with the next body in turn, as a stream that then closes; notes each request's Last-Event-ID.</summary>
    private sealed class ScriptedStreams(params string[] bodies) : HttpMessageHandler
    {
        private int _next;

        public List<string?> LastEventIds { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastEventIds.Add(request.Headers.TryGetValues("Last-Event-ID", out var values) ? values.Single() : null);
            var body = bodies[_next++];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))),
            });
        }
    }
}
