using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.State;

namespace Hearth.Engine.Failures;

/// <summary>
/// A failure as the payload of an <see cref="EventKind.Failed"/> event:
/// <c>{"kind": 1, "message": "…", "resource": "deploy", "action": 1, "exit_code": 2, "stdout": "…", "stderr": "…", "inner": […]}</c>,
/// absent members left out. The kind and the action are their persisted integers.
/// </summary>
public static class FailureJson
{
    public static string Serialize(Failure failure) => ToNode(failure).ToJsonString();

    /// <summary>The failure an event carries, or null when it is not a failure event (or one written before they carried one).</summary>
    public static Failure? Read(EventRecord evt)
    {
        if (evt.Kind != EventKind.Failed || evt.Payload is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(evt.Payload) is JsonObject node ? FromNode(node) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject ToNode(Failure failure)
    {
        var node = new JsonObject
        {
            ["kind"] = (int)failure.Kind,
            ["message"] = failure.Message,
        };
        Add(node, "resource", failure.Resource);
        if (failure.Action is { } action)
        {
            node["action"] = (int)action;
        }

        if (failure.ExitCode is { } code)
        {
            node["exit_code"] = code;
        }

        Add(node, "stdout", failure.Stdout);
        Add(node, "stderr", failure.Stderr);
        if (!failure.Inner.IsEmpty)
        {
            node["inner"] = new JsonArray([.. failure.Inner.Select(f => (JsonNode)ToNode(f))]);
        }

        return node;

        static void Add(JsonObject node, string name, string? value)
        {
            if (value is not null)
            {
                node[name] = value;
            }
        }
    }

    private static Failure FromNode(JsonObject node) => new((FailureKind)Int(node, "kind").GetValueOrDefault(), Text(node, "message") ?? "")
    {
        Resource = Text(node, "resource"),
        Action = Int(node, "action") is { } action ? (ResourceAction)action : null,
        ExitCode = Int(node, "exit_code"),
        Stdout = Text(node, "stdout"),
        Stderr = Text(node, "stderr"),
        Inner = node["inner"] is JsonArray inner ? [.. inner.OfType<JsonObject>().Select(FromNode)] : [],
    };

    private static string? Text(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Int(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
