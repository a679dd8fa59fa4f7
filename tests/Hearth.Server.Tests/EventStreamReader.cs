using System.Net;
using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>
/// A Server-Sent Events client as a browser's EventSource is one: it opens the stream (sending <c>Last-Event-ID</c> when
/// resuming) and reads messages, each with its <c>id:</c> and its <c>data:</c> as JSON. Disposing it hangs up.
/// </summary>
internal sealed class EventStreamReader : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public sealed record Message(string Id, JsonElement Data)
    {
        public string Field(string name) => Data.GetProperty(name).GetString() ?? "";
    }

    public HttpStatusCode Status => _response.StatusCode;

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<EventStreamReader> OpenAsync(string url, string? token, string? lastEventId = null)
    {
        // The stream never ends by itself: only each read is bounded.
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Default);
        var body = await response.Content.ReadAsStreamAsync().WaitAsync(TestTimeouts.Default);
        return new EventStreamReader(http, response, new StreamReader(body));
    }

    /// <summary>The next message (keep-alive comments skipped), within <see cref="TestTimeouts.Default"/>.</summary>
    public async Task<Message> NextAsync()
    {
        string? id = null;
        string? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(TestTimeouts.Default)
                ?? throw new EndOfStreamException("the server closed the event stream");
            if (line.Length == 0 && data is not null)
            {
                return new Message(id ?? "", JsonDocument.Parse(data).RootElement.Clone());
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    /// <summary>Messages up to and including the first that <paramref name="last"/> accepts.</summary>
    public async Task<List<Message>> ReadUntilAsync(Func<Message, bool> last)
    {
        var messages = new List<Message>();
        while (true)
        {
            var message = await NextAsync();
            messages.Add(message);
            if (last(message))
            {
                return messages;
            }
        }
    }

    public async Task<string> BodyAsync() => await _reader.ReadToEndAsync().WaitAsync(TestTimeouts.Default);

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
    }
}
