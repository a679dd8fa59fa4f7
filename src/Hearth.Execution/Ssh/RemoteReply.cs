using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Ssh;

/// <summary>Reads what <see cref="RemoteScripts.Dispatcher"/> replied to a run into a <see cref="ScriptRun"/>.</summary>
internal static class RemoteReply
{
    /// <summary>
    /// What the run reported, or null when the reply is cut short or malformed (the connection dropped while it was
    /// sent). Its <see cref="RemoteOutcome.Run"/> is null when a leftover outlived SIGKILL and nothing ran.
    /// </summary>
    /// <param name="outputsPath">The prefix of the output files on the server, for messages.</param>
    public static RemoteOutcome? Parse(byte[] reply, string outputsPath, int maxBytes, ScriptTermination stopped)
    {
        var reader = new Reader(reply);
        var leftovers = new List<string>();
        var statusLine = reader.Line();
        while (statusLine is not null && statusLine.StartsWith("leftover ", StringComparison.Ordinal))
        {
            leftovers.Add(statusLine["leftover ".Length..]);
            statusLine = reader.Line();
        }

        if (statusLine == "end")
        {
            return new RemoteOutcome(null, leftovers);
        }

        if (statusLine is null || !statusLine.StartsWith("status ", StringComparison.Ordinal))
        {
            return null;
        }

        int? exitCode = int.TryParse(statusLine["status ".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        var streams = new string[2];
        for (var i = 0; i < 2; i++)
        {
            var fields = reader.Line()?.Split(' ');
            if (fields is not { Length: 3 }
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total)
                || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var kept)
                || reader.Bytes(kept) is not { } tail)
            {
                return null;
            }

            streams[i] = OutputTail.Text(tail, total);
        }

        var outputs = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        var refused = ImmutableArray.CreateBuilder<string>();
        while (reader.Line() is { } line)
        {
            if (line == "end")
            {
                // No exit status: the script was killed, by the transport (timeout, cancel: `stopped`) or by someone else
                // (Exited with no code, which the transport reports as such).
                return new RemoteOutcome(
                    new ScriptRun(exitCode is null ? stopped : ScriptTermination.Exited, exitCode, streams[0], streams[1], outputs.ToImmutable(), refused.ToImmutable()),
                    leftovers);
            }

            if (line.StartsWith("output ", StringComparison.Ordinal)
                && line.Split(' ', 3) is [_, var length, var name]
                && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && reader.Bytes(n) is { } bytes)
            {
                outputs[name] = Encoding.UTF8.GetString(bytes);
            }
            else if (line.StartsWith("refused ", StringComparison.Ordinal) && line.Split(' ', 4) is [_, var kind, var size, var refusedName])
            {
                var file = $"{outputsPath}.{refusedName}";
                refused.Add(kind == "large"
                    ? $"The output '{refusedName}' was not read: {file} is {size} bytes, more than the {maxBytes} allowed"
                    : $"The output '{refusedName}' was not read: {file} is {(kind == "link" ? "a symbolic link" : "not a regular file")}, and outputs are read from regular files only");
            }
            else
            {
                return null;
            }
        }

        return null;
    }

    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public string? Line()
        {
            var end = Array.IndexOf(bytes, (byte)'\n', _at);
            if (end < 0)
            {
                return null;
            }

            var line = Encoding.UTF8.GetString(bytes, _at, end - _at);
            _at = end + 1;
            return line;
        }

        public byte[]? Bytes(int count)
        {
            // Counts come from the host: one past what is left (or past int's range) is a reply that is not the dispatcher's.
            if (count < 0 || count > bytes.Length - _at)
            {
                return null;
            }

            var slice = bytes.AsSpan(_at, count).ToArray();
            _at += count;
            return slice;
        }
    }
}

/// <summary>A run's report: the run (null when nothing ran) and the other runs it found going first ("stopped|alive PID ACTION").</summary>
internal sealed record RemoteOutcome(ScriptRun? Run, IReadOnlyList<string> Leftovers);
