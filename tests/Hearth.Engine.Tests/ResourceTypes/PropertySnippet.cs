using Hearth.Engine.ResourceTypes;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Schema;
using Hearth.Templates.Syntax;

namespace Hearth.Engine.Tests.ResourceTypes;

/// <summary>Validates a YAML properties (or update_policy) snippet against a built-in type, locating problems in the snippet.</summary>
internal sealed record PropertySnippet(IReadOnlyDictionary<string, object?> Result, IReadOnlyList<Diagnostic> Diagnostics)
{
    public const string File = "snippet.yaml";

    public static PropertySnippet Validate(string type, string yaml) =>
        Validate(BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull(), yaml);

    public static PropertySnippet Validate(ResourceTypeSchema schema, string yaml)
    {
        var root = Load(yaml);
        var diagnostics = new DiagnosticBag();
        var result = PropertyValidator.Validate(schema, "res", root?.ToValue(), path => Locate(root, path), diagnostics);
        return new PropertySnippet(result, diagnostics.ToImmutable());
    }

    public static PropertySnippet ValidateUpdatePolicy(string type, string yaml)
    {
        var root = Load(yaml);
        var diagnostics = new DiagnosticBag();
        var schema = BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull();
        var result = PropertyValidator.ValidateUpdatePolicy(schema, "res", root?.ToValue(), path => Locate(root, path), diagnostics);
        return new PropertySnippet(result, diagnostics.ToImmutable());
    }

    /// <summary>The single diagnostic, which must have <paramref name="code"/>.</summary>
    public Diagnostic Single(string code)
    {
        Diagnostics.Count.ShouldBe(1, string.Join("\n", Diagnostics));
        Diagnostics[0].Code.ShouldBe(code);
        return Diagnostics[0];
    }

    private static SyntaxNode? Load(string yaml)
    {
        var (root, diagnostics) = YamlLoader.Load(File, yaml);
        diagnostics.ShouldBeEmpty();
        return root;
    }

    /// <summary>The span of the deepest node on the path (a missing key points at its parent map).</summary>
    private static SourceSpan Locate(SyntaxNode? node, IReadOnlyList<object> path)
    {
        var span = node?.Span ?? SourceSpan.WholeFile(File);
        foreach (var step in path)
        {
            switch (node, step)
            {
                case (MappingNode map, string key) when map.Find(key) is { } entry:
                    span = entry.KeySpan;
                    node = entry.Value;
                    break;
                case (SequenceNode list, int index) when index < list.Items.Length:
                    node = list.Items[index];
                    span = node.Span;
                    break;
                default:
                    return span;
            }
        }

        return span;
    }
}
