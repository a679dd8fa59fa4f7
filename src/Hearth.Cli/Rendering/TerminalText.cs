using System.Globalization;
using System.Text;

namespace Hearth.Cli.Rendering;

/// <summary>
/// Text from templates, scripts and users reaches the terminal with its control characters shown, never obeyed: an
/// escape sequence in a script's stderr, an output value or a name must not recolour, retitle or clear the terminal,
/// move the cursor over earlier lines, or reverse the text that follows. Line breaks and tabs stay as they are.
/// </summary>
internal static class TerminalText
{
    /// <summary>The text with each control character written as an escape: <c>\x1b</c>, <c>\r</c>, <c>\u009b</c>, <c>\u202e</c>.</summary>
    public static string Visible(string text)
    {
        var i = 0;
        while (i < text.Length && !IsControl(text, i))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsControl(text, i))
            {
                builder.Append(c);
            }
            else if (c == '\r')
            {
                builder.Append(@"\r");
            }
            else
            {
                // C1 and Unicode controls as \u009b: a JSON encoder may leave them raw inside a string, where \u is the same character again.
                builder.Append(c <= '\x7f' ? @"\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <see cref="Visible"/> would change the text.</summary>
    public static bool ContainsControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsControl(text, i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// C0 controls but line feed, tab and the carriage return of a CRLF; DEL; C1 controls (0x9b starts a sequence as
    /// ESC [ does); and the bidirectional overrides and isolates that reorder what follows them.
    /// </summary>
    private static bool IsControl(string text, int i) => text[i] switch
    {
        '\n' or '\t' => false,
        '\r' => i + 1 >= text.Length || text[i + 1] != '\n',
        < ' ' or (>= '\x7f' and <= '\x9f') => true,
        >= '\u202a' and <= '\u202e' => true,
        >= '\u2066' and <= '\u2069' => true,
        _ => false,
    };
}

/// <summary>A writer that passes text on with its control characters made visible (<see cref="TerminalText"/>).</summary>
internal sealed class VisibleTextWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    public override Encoding Encoding => inner.Encoding;

    public override string NewLine
    {
#pragma warning disable CS8765 // TextWriter.NewLine's setter takes a null to mean the default
        get => inner.NewLine;
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => inner.Write(TerminalText.Visible(value.ToString()));

    public override void Write(string? value) => inner.Write(value is null ? null : TerminalText.Visible(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : TerminalText.Visible(value));

    public override Task WriteAsync(char value) => inner.WriteAsync(TerminalText.Visible(value.ToString()));

    public override Task WriteAsync(string? value) => inner.WriteAsync(value is null ? null : TerminalText.Visible(value));

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(TerminalText.Visible(buffer.ToString()).AsMemory(), cancellationToken);

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value is null ? null : TerminalText.Visible(value));

    public override Task WriteLineAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteLineAsync(TerminalText.Visible(buffer.ToString()).AsMemory(), cancellationToken);

    public override Task WriteLineAsync() => inner.WriteLineAsync();

    public override void WriteLine() => inner.WriteLine();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
