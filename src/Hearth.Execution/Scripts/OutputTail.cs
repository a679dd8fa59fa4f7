using System.Globalization;
using System.Text;
using Hearth.Templates.Stacks;

namespace Hearth.Execution.Scripts;

/// <summary>
/// Keeps the last <c>capacity</c> bytes written to it (a ring), and how many were written in all. Safe to append from
/// one reader while another thread takes the text.
/// </summary>
/// <remarks>
/// The ring grows with the output, up to <c>capacity</c>: most scripts write a few lines, and two rings of the full
/// megabyte per script were zeroed, large-object-heap memory whose allocation set off a full garbage collection every
/// dozen or so deployments.
/// </remarks>
internal sealed class OutputTail(int capacity)
{
    private const int FirstSize = 4096;

    private readonly Lock _lock = new();
    private byte[] _ring = [];
    private long _total;

    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (capacity == 0)
            {
                _total += data.Length;
                return;
            }

            Reserve(data.Length);
            if (data.Length >= capacity)
            {
                _total += data.Length;
                data = data[^capacity..];
                data.CopyTo(_ring);
                // The ring now starts at the write position, which must equal _total % capacity.
                Rotate((int)(_total % capacity));
                return;
            }

            var start = (int)(_total % capacity);
            var first = Math.Min(data.Length, capacity - start);
            data[..first].CopyTo(_ring.AsSpan(start));
            data[first..].CopyTo(_ring);
            _total += data.Length;
        }
    }

    /// <summary>
    /// The kept bytes as UTF-8 text (invalid sequences replaced). When bytes were dropped, the text starts with a marker
    /// line saying how many, and a character cut in half at the start is left out.
    /// </summary>
    public string ToText()
    {
        byte[] bytes;
        long total;
        lock (_lock)
        {
            total = _total;
            if (total <= capacity)
            {
                bytes = _ring.AsSpan(0, (int)total).ToArray();
            }
            else
            {
                var start = (int)(total % capacity);
                bytes = new byte[capacity];
                _ring.AsSpan(start).CopyTo(bytes);
                _ring.AsSpan(0, start).CopyTo(bytes.AsSpan(capacity - start));
            }
        }

        return Text(bytes, total);
    }

    /// <summary>
    /// The text of <paramref name="bytes"/>, the last bytes of a stream of <paramref name="total"/> bytes (another
    /// machine kept the stream and sent its tail): as <see cref="ToText"/> makes it.
    /// </summary>
    public static string Text(byte[] bytes, long total)
    {
        if (total <= bytes.Length)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var skip = 0;
        while (skip < bytes.Length && skip < 3 && (bytes[skip] & 0xC0) == 0x80)
        {
            skip++;
        }

        var dropped = total - bytes.Length + skip;
        return string.Create(CultureInfo.InvariantCulture, $"{TruncationMarker(dropped)}\n{Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip)}");
    }

    /// <summary>The last <paramref name="capacity"/> bytes of <paramref name="stream"/> as <see cref="ToText"/> gives them, read to its end.</summary>
    public static async Task<string> ReadAsync(Stream stream, int capacity)
    {
        var tail = new OutputTail(capacity);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            tail.Append(buffer.AsSpan(0, read));
        }

        return tail.ToText();
    }

    /// <summary>The line before a tail whose beginning was dropped; hidden values cut by it are masked by what follows (<see cref="HiddenValues.CutMarker"/>).</summary>
    public static string TruncationMarker(long droppedBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{HiddenValues.CutMarker}{droppedBytes} bytes were dropped]");

    /// <summary>Makes the ring big enough for <paramref name="count"/> more bytes (it wraps only once it has its full capacity).</summary>
    private void Reserve(int count)
    {
        var needed = (int)Math.Min(capacity, _total + count);
        if (needed <= _ring.Length)
        {
            return;
        }

        // Before the ring is full nothing has wrapped: the bytes sit in order at [0, _total).
        var grown = new byte[(int)Math.Min(capacity, Math.Max(needed, Math.Max(FirstSize, 2L * _ring.Length)))];
        _ring.AsSpan(0, (int)_total).CopyTo(grown);
        _ring = grown;
    }

    private void Rotate(int shift)
    {
        // Content is in order at [0, capacity); move it so that the oldest byte sits at index `shift`.
        if (shift == 0)
        {
            return;
        }

        var copy = _ring.AsSpan().ToArray();
        copy.AsSpan(0, capacity - shift).CopyTo(_ring.AsSpan(shift));
        copy.AsSpan(capacity - shift).CopyTo(_ring);
    }
}
