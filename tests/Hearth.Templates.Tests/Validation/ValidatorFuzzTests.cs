using System.Collections.Immutable;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Syntax;
using Hearth.Templates.Validation;

namespace Hearth.Templates.Tests.Validation;

/// <summary>
/// Property tests: whatever text arrives, <see cref="TemplateValidator.Validate"/> returns diagnostics (never throws),
/// each with a real position (line and column from 1) and a code of the form HT###.
/// </summary>
public sealed partial class ValidatorFuzzTests
{
    private const string TemplatePath = "/fuzz/template.yaml";

    private static readonly Config _config = Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>Fragments that YAML and HOT give meaning to; random text is built from them.</summary>
    private static readonly string[] _fragments =
    [
        "heat_template_version: ", "2021-04-16", "2013-05-23", "newton", "resources:", "parameters:", "outputs:", "conditions:",
        "parameter_groups:", "description:", "type: ", "OS::Heat::None", "OS::Heat::Value", "properties:", "value:", "depends_on:",
        "condition:", "deletion_policy:", "get_param", "get_attr", "get_resource", "get_file", "str_replace", "list_join", "if",
        "equals", "not", "yaql", "repeat", "Fn::Join", "Ref", "default:", "hidden: true", "constraints:", "- range: {min: 1}",
        "- allowed_values: [a]", "- allowed_pattern: '['", "a", "b", "r", "x:", " ", "  ", "    ", "\n", "\n  ", "\n    ", "\t", ":",
        ": ", "-", "- ", "[", "]", "{", "}", ",", "'", "\"", "&a ", "*a", "!!str ", "!!int ", "? ", "|", ">", "#", "%YAML 1.2",
        "---", "...", "~", "null", "true", "1", "-1", "1e400", "0x1F", "é", "\u0000", "\ufeff", "\r\n", "{get_param: p}", "[r, value]",
    ];

    public static Gen<string> YamlishText =>
        Gen.Elements(_fragments).ListOf().Select(parts => string.Concat(parts));

    [Fact]
    public void Validate_RandomYamlishText_ReportsOnlyWellFormedDiagnostics()
    {
        var runs = 0;
        Check.One(_config, Prop.ForAll(YamlishText.ToArbitrary(), text =>
        {
            runs++;
            return WellFormed(Validate(text));
        }));
        runs.ShouldBeGreaterThanOrEqualTo(500);
    }

    [Fact]
    public void Validate_RandomYamlishTextAfterAVersion_ReportsOnlyWellFormedDiagnostics()
    {
        var gen = YamlishText.Select(text => "heat_template_version: 2021-04-16\nresources:\n  " + text);
        Check.One(_config, Prop.ForAll(gen.ToArbitrary(), text => WellFormed(Validate(text))));
    }

    [Fact]
    public void Validate_RandomUnicodeText_ReportsOnlyWellFormedDiagnostics()
    {
        Check.One(_config, Prop.ForAll(ArbMap.Default.ArbFor<string>(), text => WellFormed(Validate(text ?? ""))));
    }

    [Theory]
    [InlineData(300, "[", "]")]
    [InlineData(300, "{a: ", "}")]
    [InlineData(300, "- ", "")]
    [InlineData(2000, "[", "]")]
    public void Validate_DeepNesting_ReportsTheDepthWithoutOverflowing(int depth, string open, string close)
    {
        var nested = open == "- "
            ? string.Concat(Enumerable.Range(0, depth).Select(i => "\n" + new string(' ', 6 + (2 * i)) + "- ")) + "x"
            : string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));
        var text = $"heat_template_version: 2021-04-16\nresources:\n  a:\n    type: OS::Heat::None\n    metadata: {nested}\n";

        var report = Validate(text);

        WellFormed(report).ShouldBeTrue();
        var error = report.Diagnostics.ShouldHaveSingleItem();
        error.Code.ShouldBe(DiagnosticCodes.YamlSyntax);
        error.Message.ShouldContain("nested more than");
        // At the node that crosses the limit: line 5 for a flow collection, further down for a block sequence.
        error.Span.Line.ShouldBe(open == "- " ? 4 + YamlLoader.MaxDepth : 5);
    }

    [Fact]
    public void Validate_HugeString_IsValid()
    {
        var huge = new string('x', 2_000_000);
        var report = Validate($"heat_template_version: 2021-04-16\nresources:\n  a:\n    type: OS::Heat::None\n    metadata: {{k: {huge}}}\n");

        report.Diagnostics.ShouldBeEmpty();
        report.IsValid.ShouldBeTrue();
    }

    /// <summary>Regression: finding dependencies evaluated the computed name, which asked for the dependencies again (a Lazy re-entry).</summary>
    [Fact]
    public void Validate_GetResourceNamedByGetResource_ReturnsAReportInsteadOfThrowing()
    {
        var report = Validate("heat_template_version: 2021-04-16\nresources:\n  first:\n    type: OS::Heat::None\n  second:\n    type: OS::Heat::Value\n"
            + "    properties:\n      value: { get_resource: { get_resource: first } }\n");

        report.Diagnostics.ShouldBeEmpty();
        report.Resources.Single(r => r.Name == "second").DependsOn.ShouldBe(["first"]);
    }

    internal static ValidationReport Validate(string text, IResourceTypeCatalog? catalog = null) =>
        TemplateValidator.Validate(
            new StackSources(TemplatePath, [], [], []),
            new InMemoryFileReader([new(TemplatePath, text)]),
            catalog ?? NoneCatalog.Instance);

    internal static bool WellFormed(ValidationReport report)
    {
        foreach (var d in report.Diagnostics)
        {
            if (d.Span.Line < 1 || d.Span.Column < 1 || !CodePattern().IsMatch(d.Code) || string.IsNullOrWhiteSpace(d.Message) || string.IsNullOrEmpty(d.Span.File))
            {
                throw new InvalidOperationException($"malformed diagnostic: {d} (span {d.Span})");
            }
        }

        return true;
    }

    [GeneratedRegex(@"^HT\d{3}$")]
    private static partial Regex CodePattern();

    /// <summary>A catalog with the two types the fragments name, accepting any property and attribute.</summary>
    private sealed class NoneCatalog : IResourceTypeCatalog
    {
        public static NoneCatalog Instance { get; } = new();

        private static readonly ImmutableDictionary<string, ResourceTypeSchema> _types = new[] { "OS::Heat::None", "OS::Heat::Value" }
            .ToImmutableDictionary(t => t, t => new ResourceTypeSchema(t, ImmutableDictionary<string, PropertySchema>.Empty,
                ImmutableDictionary<string, AttributeSchema>.Empty, AnyProperties: true, AnyAttributes: true));

        public ResourceTypeSchema? Find(string type) => _types.GetValueOrDefault(type);

        public IEnumerable<string> TypeNames => _types.Keys;
    }
}
