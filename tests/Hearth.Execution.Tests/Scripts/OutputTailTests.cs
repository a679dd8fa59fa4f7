using System.Text;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Tests.Scripts;

public class OutputTailTests
{
    [Fact]
    public void ToText_UnderCapacity_EverythingNoMarker()
    {
        var tail = new OutputTail(16);
        tail.Append("hello "u8);
        tail.Append("world"u8);

        tail.ToText().ShouldBe("hello world");
        tail.TotalBytes.ShouldBe(11);
    }

    [Theory]
    [InlineData(new[] { 5, 5, 5, 5 })]
    [InlineData(new[] { 3, 9, 1, 7 })]
    [InlineData(new[] { 20 })]
    [InlineData(new[] { 7, 25, 2 })]
    public void ToText_OverCapacity_KeepsLastBytesInOrderWithMarker(int[] chunks)
    {
        var tail = new OutputTail(10);
        var all = new StringBuilder();
        var next = 0;
        foreach (var size in chunks)
        {
            var chunk = string.Concat(Enumerable.Range(next, size).Select(i => (char)('a' + (i % 26))));
            next += size;
            all.Append(chunk);
            tail.Append(Encoding.ASCII.GetBytes(chunk));
        }

        var text = all.ToString();
        tail.ToText().ShouldBe($"[hearth: output truncated, the first {text.Length - 10} bytes were dropped]\n{text[^10..]}");
    }

    [Fact]
    public void ToText_CutInsideMultiByteCharacter_DropsTheHalfCharacter()
    {
        var tail = new OutputTail(4);
        tail.Append(Encoding.UTF8.GetBytes("xé€")); // 1 + 2 + 3 bytes: the tail is 0xA9 then €.

        tail.ToText().ShouldBe("[hearth: output truncated, the first 3 bytes were dropped]\n€");
    }

    [Theory]
    [InlineData(3000, 25_000)]
    [InlineData(5000, 9000)]
    [InlineData(9999, 10_001)]
    [InlineData(10_000, 10_000)]
    public void Append_ManyChunksPastWhereTheRingGrows_KeepsExactlyTheLastBytes(int chunkSize, int totalSize)
    {
        // The ring starts small and grows with the output: what it keeps must not depend on where it grew.
        const int capacity = 10_000;
        var tail = new OutputTail(capacity);
        var all = Enumerable.Range(0, totalSize).Select(i => (byte)('a' + (i % 26))).ToArray();
        for (var offset = 0; offset < all.Length; offset += chunkSize)
        {
            tail.Append(all.AsSpan(offset, Math.Min(chunkSize, all.Length - offset)));
        }

        var text = Encoding.ASCII.GetString(all);
        tail.TotalBytes.ShouldBe(totalSize);
        tail.ToText().ShouldBe(totalSize <= capacity
            ? text
            : $"[hearth: output truncated, the first {totalSize - capacity} bytes were dropped]\n{text[^capacity..]}");
    }
}
