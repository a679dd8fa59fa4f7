using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Tests.Syntax;

/// <summary>Aliases are bounded by the nodes they add once expanded, so a few hundred bytes cannot become a billion nodes.</summary>
public sealed class YamlAliasLimitTests
{
    /// <summary>A "billion laughs" in a parameter default: each anchor aliases the one before ten times.</summary>
    private const string Bomb = """
        heat_template_version: 2018-08-31
        parameters:
          p:
            type: json
            default:
              a: &a [x, x, x, x, x, x, x, x, x, x]
              b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
              c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
              d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
              e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
              f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
              g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
              h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
              i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
        """;

    [Fact]
    public void Load_AliasBomb_IsRefusedAtTheAliasThatCrossesTheLimit()
    {
        var (root, diagnostics) = YamlLoader.Load("t.yaml", Bomb);

        root.ShouldBeNull();
        var diagnostic = diagnostics.ShouldHaveSingleItem();
        diagnostic.Code.ShouldBe(DiagnosticCodes.YamlAliasLimit);
        // e holds 111,111 nodes; b to e add 123,440 through aliases, so the 8th *e (line 11, column 42) crosses 1,000,000.
        (diagnostic.Span.Line, diagnostic.Span.Column).ShouldBe((11, 42));
        diagnostic.Message.ShouldBe(
            "YAML aliases repeat more than 1,000,000 nodes in this document (here '*e' adds 111,111); write the values out, or use fewer aliases of big anchors");
    }

    [Fact]
    public void Load_AliasesUnderTheLimit_StandForTheirAnchor()
    {
        var (root, diagnostics) = YamlLoader.Load("t.yaml", """
            common: &common {image: fedora, flavor: m1.small}
            a: *common
            b: *common
            """);

        diagnostics.ShouldBeEmpty();
        var map = root.ShouldBeOfType<MappingNode>();
        map.Entries[1].Value.ShouldBeSameAs(map.Entries[0].Value);
        map.Entries[2].Value.ShouldBeSameAs(map.Entries[0].Value);
    }
}
