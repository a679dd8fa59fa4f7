using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hearth.Templates.Values;

namespace Hearth.Cli.Rendering;

/// <summary>
/// Writes plain data (maps, lists, strings, numbers, booleans, null, as template values are) as JSON or YAML.
/// Field names are chosen by the caller and follow Heat's API (<c>stack_name</c>, <c>output_value</c>, …).
/// </summary>
internal static class StructuredOutput
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            ValueJson.Write(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// YAML (<see cref="ValueYaml"/>); a string with control characters is written double-quoted, where YAML escapes
    /// them (<c>"\e[31m"</c>): written plain, the terminal would obey them, and once the console shows them
    /// (<see cref="TerminalText"/>) the YAML would say something else. In double quotes, the escape the console writes
    /// means the same character.
    /// </summary>
    public static string ToYaml(object? value) => ValueYaml.Serialize(value, TerminalText.ContainsControl);

    public static async Task WriteAsync(TextWriter writer, OutputFormat format, object? value)
    {
        var text = format == OutputFormat.Yaml ? ToYaml(value) : ToJson(value) + Environment.NewLine;
        await writer.WriteAsync(text);
    }
}
