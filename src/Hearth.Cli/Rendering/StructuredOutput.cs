using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using YamlDotNet.Serialization;

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
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string ToYaml(object? value)
    {
        var serializer = new SerializerBuilder().DisableAliases().Build();
        return serializer.Serialize(ToYamlGraph(value));
    }

    public static async Task WriteAsync(TextWriter writer, OutputFormat format, object? value)
    {
        var text = format == OutputFormat.Yaml ? ToYaml(value) : ToJson(value) + Environment.NewLine;
        await writer.WriteAsync(text);
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double d:
                writer.WriteStringValue(d.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                writer.WriteStartObject();
                foreach (var (key, item) in pairs)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static object? ToYamlGraph(object? value) => value switch
    {
        null or string or bool or long or int or double => value,
        IEnumerable<KeyValuePair<string, object?>> map => map.ToDictionary(kv => kv.Key, kv => ToYamlGraph(kv.Value)),
        System.Collections.IEnumerable list => list.Cast<object?>().Select(ToYamlGraph).ToList(),
        _ => value.ToString(),
    };
}
