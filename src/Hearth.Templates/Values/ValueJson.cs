using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hearth.Templates.Values;

/// <summary>
/// Template values to and from JSON text, exactly: integers stay integers, floats stay floats, maps keep their
/// order. Used wherever values are stored (resource properties and attributes in the state store) or sent.
/// </summary>
public static class ValueJson
{
    // Every stored step serializes several values: one buffer and writer per thread, reset each time, instead of a
    // new stream, writer and copy per call (most of what a step allocated).
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    public static string Serialize(object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> { Count: 0 }:
                return "{}";
            case IReadOnlyList<object?> { Count: 0 }:
                return "[]";
        }

        var (buffer, writer) = _scratch ??= (new ArrayBufferWriter<byte>(), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            Write(writer, value);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(Stream.Null);
        }
    }

    public static object? Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    /// <summary>Deserializes a JSON object into a map (an empty map for null or empty text).</summary>
    public static IReadOnlyDictionary<string, object?> DeserializeMap(string? json) =>
        Deserialize(json) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();

    public static object? Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = Value.NewMap();
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = Read(property.Value);
                }

                return map;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(Read(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                if (!raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase) && element.TryGetInt64(out var l))
                {
                    return l;
                }

                return element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or Omitted or Unknown:
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
                // Keep a float a float ("1.0", not "1") so that it reads back with its type.
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                writer.WriteRawValue(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0");
                break;
            case double d:
                writer.WriteStringValue(Value.FormatPythonFloat(d));
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
