using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Tests.Syntax;

/// <summary>A YAML or JSON syntax error is one diagnostic at its position, saying where an unclosed '[' or '{' was opened.</summary>
public sealed class YamlSyntaxErrorTests
{
    [Theory]
    [InlineData("heat_template_version: 2021-04-16\nresources:\n  v: {type: OS::Heat::None\n", 4, 1,
        "YAML syntax error: While parsing a flow mapping, did not find expected ',' or '}' (in the '{' opened at 3:6)")]
    [InlineData("heat_template_version: 2021-04-16\nresources:\n  v: [1, 2\n", 4, 1,
        "YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']' (in the '[' opened at 3:6)")]
    [InlineData("heat_template_version: 2021-04-16\nresources:\n  v: {type: OS::Heat::None, properties: {a: [1, 2}}\n", 3, 50,
        "YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']' (in the '[' opened at 3:45)")]
    [InlineData("{\"heat_template_version\": \"2021-04-16\", \"resources\": {\"v\": {\"type\": \"OS::Heat::None\"}\n", 2, 1,
        "JSON syntax error: While parsing a flow mapping, did not find expected ',' or '}' (in the '{' opened at 1:54)")]
    public void Load_UnclosedFlowCollection_SaysWhereItWasOpened(string text, int line, int column, string message)
    {
        var (root, diagnostics) = YamlLoader.Load("t.yaml", text);

        root.ShouldBeNull();
        var diagnostic = diagnostics.ShouldHaveSingleItem();
        diagnostic.Code.ShouldBe(DiagnosticCodes.YamlSyntax);
        (diagnostic.Span.Line, diagnostic.Span.Column).ShouldBe((line, column));
        diagnostic.Message.ShouldBe(message);
    }

    [Fact]
    public void Load_BlockMappingError_SaysNothingOfFlowCollections()
    {
        var (_, diagnostics) = YamlLoader.Load("t.yaml", "a: [1, 2]\nb: c: d\n");

        diagnostics.ShouldHaveSingleItem().Message.ShouldNotContain("opened at");
    }
}
