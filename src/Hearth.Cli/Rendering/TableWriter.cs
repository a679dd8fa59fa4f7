namespace Hearth.Cli.Rendering;

/// <summary>A plain aligned text table, the way <c>openstack stack list</c> prints (without the box lines, so it greps well).</summary>
internal static class TableWriter
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var materialized = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, materialized.Count == 0 ? 0 : materialized.Max(r => Cell(r, i).Length))).ToArray();
        await writer.WriteLineAsync(Line(headers, widths));
        await writer.WriteLineAsync(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in materialized)
        {
            await writer.WriteLineAsync(Line(row, widths));
        }
    }

    private static string Cell(IReadOnlyList<string> row, int i) => i < row.Count ? row[i].ReplaceLineEndings(" ") : "";

    private static string Line(IReadOnlyList<string> row, int[] widths) =>
        string.Join("  ", widths.Select((w, i) => i == widths.Length - 1 ? Cell(row, i) : Cell(row, i).PadRight(w))).TrimEnd();
}
