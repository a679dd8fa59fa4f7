using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hearth.Templates.Values;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

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

    public static string ToYaml(object? value)
    {
        var serializer = new SerializerBuilder().DisableAliases().WithEventEmitter(next => new EscapingEmitter(next)).Build();
        return serializer.Serialize(ToYamlGraph(value));
    }

    public static async Task WriteAsync(TextWriter writer, OutputFormat format, object? value)
    {
        var text = format == OutputFormat.Yaml ? ToYaml(value) : ToJson(value) + Environment.NewLine;
        await writer.WriteAsync(text);
    }

    private static object? ToYamlGraph(object? value) => value switch
    {
        null or string or bool or long or int or double => value,
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => ToYamlGraph(kv.Value)),
        IReadOnlyList<object?> list => list.Select(ToYamlGraph).ToList(),
        _ => value.ToString(),
    };

    /// <summary>
    /// A string with control characters is written double-quoted, where YAML escapes them (<c>"\e[31m"</c>): written
    /// plain, the terminal would obey them, and once the console shows them (<see cref="TerminalText"/>) the YAML would
    /// say something else. In double quotes, the escape the console writes means the same character. Any other string
    /// of several lines (a script, a certificate) is a literal block, its lines and tabs as they are.
    /// </summary>
    private sealed class EscapingEmitter(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text)
            {
                if (TerminalText.ContainsControl(text) || text.Contains('\r', StringComparison.Ordinal))
                {
                    eventInfo.Style = ScalarStyle.DoubleQuoted;
                }
                else if (text.Contains('\n', StringComparison.Ordinal))
                {
                    eventInfo.Style = ScalarStyle.Literal;
                }
            }

            base.Emit(eventInfo, emitter);
        }
    }
}
