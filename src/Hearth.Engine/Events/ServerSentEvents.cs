using System.Globalization;
using System.Text;
using System.Text.Json;
using Hearth.State;

namespace Hearth.Engine.Events;

/// <summary>
/// A feed as Server-Sent Events (the <c>text/event-stream</c> format), for <c>hearth server</c>: one message per event,
/// its <c>id:</c> the event's sequence number, so a browser's EventSource that reconnects sends it back as
/// <c>Last-Event-ID</c> and gets exactly what it missed. Knows nothing of HTTP: the host sets the content type, turns off
/// response buffering and passes the request's <c>Last-Event-ID</c> header and abort token.
/// </summary>
public static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    /// <summary>How long a stream may stay silent before a comment line keeps proxies from closing it.</summary>
    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(15);

    // A comment line: EventSource ignores it, proxies see traffic.
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    /// <summary>
    /// Where a stream starts: after the sequence number in <paramref name="lastEventId"/> (a reconnecting client), or from
    /// the first event when there is none. False when the header holds anything else: the host answers 400.
    /// </summary>
    public static bool TryGetResumePoint(string? lastEventId, out long afterSequence)
    {
        afterSequence = 0;
        return string.IsNullOrWhiteSpace(lastEventId)
            || (long.TryParse(lastEventId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out afterSequence) && afterSequence >= 0);
    }

    /// <summary>
    /// Writes the events of <paramref name="scope"/> after <paramref name="afterSequence"/> to <paramref name="body"/> as
    /// they come, flushing after each read of the feed, until <paramref name="cancellationToken"/> (the client went away).
    /// A stream silent for <paramref name="keepAlive"/> (<see cref="DefaultKeepAlive"/>) gets a comment line.
    /// </summary>
    public static async Task StreamAsync(
        Stream body,
        EventFeed feed,
        EventScope scope,
        long afterSequence,
        TimeProvider time,
        TimeSpan keepAlive,
        CancellationToken cancellationToken)
    {
        var lastWrite = time.GetTimestamp();
        await foreach (var page in feed.ReadAsync(scope, afterSequence, cancellationToken))
        {
            if (page.Events.Count == 0 && time.GetElapsedTime(lastWrite) < keepAlive)
            {
                continue;
            }

            var chunk = page.Events.Count == 0 ? KeepAlive : feed.SseMessages.GetValue(page.Events, events => Messages(events));
            await body.WriteAsync(chunk, cancellationToken);
            await body.FlushAsync(cancellationToken);
            lastWrite = time.GetTimestamp();
        }
    }

    /// <summary>
    /// Writes <paramref name="events"/>, which end by themselves (a replay up to now, or a follow to the end of an
    /// operation), then an <see cref="EndEvent"/> message: a client tells a finished stream from a dropped connection by
    /// it, and reconnects (sending the last <c>id:</c> as <c>Last-Event-ID</c>) only after a drop. Events that are ready
    /// together are written and flushed together; a stream silent for <paramref name="keepAlive"/> gets a comment line.
    /// </summary>
    public static async Task StreamToEndAsync(
        Stream body,
        IAsyncEnumerable<EventRecord> events,
        TimeProvider time,
        TimeSpan keepAlive,
        CancellationToken cancellationToken)
    {
        var ready = new List<EventRecord>();
        await using var reader = events.GetAsyncEnumerator(cancellationToken);
        // As tasks: whether the next one is ready decides when to flush (a completed bool ValueTask becomes a cached task).
        var next = reader.MoveNextAsync().AsTask();
        while (true)
        {
            if (!next.IsCompleted && ready.Count > 0)
            {
                // Nothing more is ready: what is, goes out now.
                await WriteAsync(body, Messages(ready), cancellationToken);
                ready.Clear();
            }

            if (!next.IsCompleted)
            {
                while (!await CompletesWithinAsync(next, keepAlive, time, cancellationToken))
                {
                    await WriteAsync(body, KeepAlive, cancellationToken);
                }
            }

            if (!await next)
            {
                break;
            }

            ready.Add(reader.Current);
            if (ready.Count == EventFeed.PageSize)
            {
                await WriteAsync(body, Messages(ready), cancellationToken);
                ready.Clear();
            }

            next = reader.MoveNextAsync().AsTask();
        }

        await WriteAsync(body, [.. Messages(ready), .. EndMessage], cancellationToken);
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // The timer is stopped when the task comes first: a busy stream leaves no timers behind.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(task, Task.Delay(timeout, time, timer.Token));
        await timer.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == task;
    }

    /// <summary>The <c>event:</c> of the message that closes a stream which ends (<see cref="StreamToEndAsync"/>).</summary>
    public const string EndEvent = "end";

    private static readonly byte[] EndMessage = Encoding.UTF8.GetBytes($"event: {EndEvent}\ndata: {{}}\n\n");

    private static async Task WriteAsync(Stream body, byte[] chunk, CancellationToken cancellationToken)
    {
        await body.WriteAsync(chunk, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>One message per event: <c>id:</c> its sequence number, <c>data:</c> the event as one line of JSON.</summary>
    public static byte[] Messages(IEnumerable<EventRecord> events)
    {
        using var buffer = new MemoryStream();
        foreach (var evt in events)
        {
            buffer.Write(Encoding.UTF8.GetBytes($"id: {evt.Sequence.ToString(CultureInfo.InvariantCulture)}\ndata: "));
            // Compact JSON escapes every line break inside strings, so the data is one line as the format needs.
            using (var json = new Utf8JsonWriter(buffer))
            {
                WriteEvent(json, evt);
            }

            buffer.Write("\n\n"u8);
        }

        return buffer.ToArray();
    }

    /// <summary>The member of a failed step's event that carries its failure (<see cref="Failures.FailureJson"/>), which Heat's events lack.</summary>
    public const string FailureMember = "hearth_failure";

    /// <summary>
    /// Heat's event fields (as <c>event list -f json</c> shows them) and the stack's, and a failed step's failure as
    /// <see cref="FailureMember"/>. Status reasons and failures are masked when recorded.
    /// </summary>
    private static void WriteEvent(Utf8JsonWriter json, EventRecord evt)
    {
        json.WriteStartObject();
        json.WriteString("id", evt.Id);
        json.WriteNumber("sequence", evt.Sequence);
        json.WriteString("stack_id", evt.StackId);
        json.WriteString("stack_name", evt.StackName);
        json.WriteString("resource_name", evt.ResourceName);
        json.WriteString("resource_type", evt.ResourceType);
        json.WriteString("resource_status", HeatStatus.Format(evt.Action, evt.Status));
        json.WriteString("resource_status_reason", evt.StatusReason);
        json.WriteString("physical_resource_id", evt.PhysicalResourceId);
        json.WriteString("event_time", evt.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        if (evt.Kind == EventKind.Failed && evt.Payload is { } failure)
        {
            // Why the step failed, typed (reason, exit code, script output tails), as the engine recorded it: masked.
            json.WritePropertyName(FailureMember);
            json.WriteRawValue(failure);
        }

        json.WriteEndObject();
    }
}
