using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;
using Xunit.Abstractions;

namespace Hearth.Templates.Tests.Conformance;

/// <summary>The corpus cases of modes <c>params</c> and <c>update_params</c>, run through the schema reader and resolver.</summary>
public sealed class ParameterConformanceTests(ITestOutputHelper output)
{
    /// <summary>Cases Hearth does not run, with the reason. Keep this empty.</summary>
    private static readonly ImmutableDictionary<string, string> Unsupported = ImmutableDictionary<string, string>.Empty;

    public static TheoryData<string> Cases => ConformanceCorpus.CaseIds("params", "update_params");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_Evaluated_MatchesHeat(string id)
    {
        if (Unsupported.TryGetValue(id, out var reason))
        {
            output.WriteLine($"unsupported: {reason}");
            return;
        }

        var c = ConformanceCorpus.Get(id);
        var diagnostics = new DiagnosticBag();
        var version = TemplateVersion.Find(c.TemplateVersion).ShouldNotBeNull();
        var schemas = ReadSchemas(c.Raw["parameters"], version, diagnostics);
        var stack = new StackIdentity("test_stack", "stack-id-1", "project-1");
        var resolved = ParameterResolver.Resolve(schemas, Inputs(c.Raw["params"], "env.yaml"), Inputs(c.Raw["param_defaults"], "env.yaml"), stack, diagnostics);

        if (c.Mode == "update_params")
        {
            var update = Inputs(c.Raw["stack"]?["update_params"], "update.yaml");
            var updated = ParameterResolver.Resolve(schemas, update, [], stack, diagnostics);
            ParameterResolver.CheckImmutable(resolved, updated, diagnostics);
            resolved = updated;
        }

        var result = diagnostics.HasErrors ? null : GetParam(resolved, c.Snippet, diagnostics);
        foreach (var d in diagnostics.ToImmutable())
        {
            output.WriteLine(d.ToString());
        }

        if (c.ExpectsError)
        {
            diagnostics.HasErrors.ShouldBeTrue($"expected an error ({c.Raw["expected_error"]}), got {Value.ToPythonJson(result)}");
            return;
        }

        diagnostics.HasErrors.ShouldBeFalse(string.Join("\n", diagnostics.ToImmutable()));
        var expected = Json(c.Raw["expected"]);
        Value.DeepEquals(result, expected).ShouldBeTrue($"expected {Value.ToPythonJson(expected)}, got {Value.ToPythonJson(result)}");
        if (expected is not null)
        {
            // DeepEquals treats 1 == 1.0 == True; the type must match too.
            Value.TypeName(result).ShouldBe(Value.TypeName(expected));
        }
    }

    [Fact]
    public void UnsupportedList_NamesOnlyCorpusCases_AndIsSmall()
    {
        var ids = ConformanceCorpus.Load().Where(c => c.Mode is "params" or "update_params").Select(c => c.Id).ToHashSet();
        Unsupported.Keys.ShouldAllBe(k => ids.Contains(k));
        Unsupported.Count.ShouldBe(0);
    }

    internal static ImmutableArray<ParameterSchema> ReadSchemas(JsonNode? parameters, TemplateVersion version, DiagnosticBag diagnostics)
    {
        if (parameters is null)
        {
            return [];
        }

        var (root, loadDiagnostics) = YamlLoader.Load("template.yaml", parameters.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        loadDiagnostics.ShouldBeEmpty();
        return ParameterSchemaReader.Read(root.ShouldBeOfType<MappingNode>(), version, diagnostics);
    }

    private static List<ParameterInput> Inputs(JsonNode? values, string file) =>
        values is JsonObject obj
            ? [.. obj.Select((kv, i) => new ParameterInput(kv.Key, Json(kv.Value), new SourceSpan(file, i + 1, 1, i + 1, 1)))]
            : [];

    internal static object? Json(JsonNode? node) => ConformanceCorpus.ToValue(node);

    private static object? GetParam(ResolvedParameters parameters, JsonNode? snippet, DiagnosticBag diagnostics)
    {
        var name = (string?)snippet?["get_param"];
        name.ShouldNotBeNull("the params cases evaluate {get_param: name}");
        if (parameters.TryGetValue(name, out var value))
        {
            return value;
        }

        diagnostics.Error(SourceSpan.WholeFile("snippet"), DiagnosticCodes.ParameterMissing, $"The Parameter ({name}) was not provided.");
        return null;
    }
}
