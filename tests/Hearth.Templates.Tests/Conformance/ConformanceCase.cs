using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Templates.Tests.Conformance;

/// <summary>One case of ../shared/conformance/hot-function-cases*.json (see that folder's README for the format).</summary>
public sealed record ConformanceCase(string Id, string File, JsonObject Raw)
{
    public string Mode => (string?)Raw["mode"] ?? "resolve";

    public string TemplateVersion => (string?)Raw["template_version"] ?? "";

    public JsonNode? Snippet => Raw["snippet"];

    public bool ExpectsError => Raw.ContainsKey("expected_error");

    public string? ErrorPhase => (string?)Raw["error_phase"];

    public string? ErrorContains => (string?)Raw["error_contains"];

    public override string ToString() => Id;
}

/// <summary>Finds and reads the shared conformance corpus.</summary>
public static class ConformanceCorpus
{
    public static readonly string[] Files = ["hot-function-cases.json", "hot-function-cases-supplementary.json", YaqlFile];

    /// <summary>The yaql cases: Heat validates a stack before it resolves, so their resolve cases are validated first.</summary>
    public const string YaqlFile = "yaql-cases.json";

    /// <summary>
    /// The test data folder (tests/data): a copy of the shared conformance corpus and real templates, kept in the
    /// repository so that CI on a fresh clone has them.
    /// </summary>
    public static string SharedDirectory => Path.Combine(RepositoryRoot, "tests", "data");

    public static string RepositoryRoot => Repository.Root;

    public static IReadOnlyList<ConformanceCase> Load()
    {
        var cases = new List<ConformanceCase>();
        foreach (var file in Files)
        {
            var path = Path.Combine(SharedDirectory, "conformance", file);
            var array = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
            foreach (var node in array)
            {
                var obj = node!.AsObject();
                cases.Add(new ConformanceCase((string)obj["id"]!, file, obj));
            }
        }

        return cases;
    }

    /// <summary>xunit member data: every case id of the given modes.</summary>
    public static TheoryData<string> CaseIds(params string[] modes)
    {
        var data = new TheoryData<string>();
        foreach (var c in Load().Where(c => modes.Contains(c.Mode)))
        {
            data.Add(c.Id);
        }

        return data;
    }

    public static ConformanceCase Get(string id) => Load().Single(c => c.Id == id);

    /// <summary>JSON (System.Text.Json) to template values (maps keep their order).</summary>
    public static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToMap(obj),
        JsonArray array => array.Select(ToValue).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var l) ? (object)l : value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static OrderedDictionary<string, object?> ToMap(JsonObject obj)
    {
        var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            map[key] = ToValue(value);
        }

        return map;
    }
}
