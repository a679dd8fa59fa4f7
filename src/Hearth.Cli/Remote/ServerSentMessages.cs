using System.Globalization;
using System.Runtime.CompilerServices;
using Hearth.Templates.Values;

namespace Hearth.Cli.Remote;

/// <summary>One message of a <c>text/event-stream</c>: its <c>id:</c> (an event's sequence number), <c>event:</c> and JSON <c>data:</c>.</summary>
internal sealed record ServerSentMessage(long Id, string Event, IReadOnlyDictionary<string, object?> Data);

/// <summary>Reads Server-Sent Events as <c>hearth server</c> writes them (<see cref="Engine.Events.ServerSentEvents"/>).</summary>
internal static class ServerSentMessages
{
    /// <summary>The messages until the stream ends or the connection drops (the caller tells the two apart by the end message).</summary>
    public static async IAsyncEnumerable<ServerSentMessage> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long id = 0;
        var type = "message";
        string? data = null;
        while (await ReadLineAsync(reader, cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                // A blank line ends a message; one without data (after comments only) is none.
                if (data is not null)
                {
                    yield return new ServerSentMessage(id, type, ValueJson.Deserialize(data) as IReadOnlyDictionary<string, object?> ?? Value.NewMap());
                }

                type = "message";
                data = null;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon == 0)
            {
                // A comment: the server's keep-alive.
                continue;
            }

            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            switch (field)
            {
                case "id" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence):
                    id = sequence;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data = data is null ? value : data + "\n" + value;
                    break;
            }
        }
    }

    /// <summary>The next line, or null when the stream ends, also by a dropped connection.</summary>
    private static async Task<string?> ReadLineAsync(TextReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (IOException)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
