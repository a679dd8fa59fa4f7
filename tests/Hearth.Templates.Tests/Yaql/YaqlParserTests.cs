using Hearth.Templates.Yaql;

namespace Hearth.Templates.Tests.Yaql;

/// <summary>What the conformance cases do not pin down: the tree's shape and positions, and parsing once per text.</summary>
public sealed class YaqlParserTests
{
    [Fact]
    public void Parse_NotAndComparison_NotBindsLooserThanEquals()
    {
        var node = YaqlParser.Parse("not $.a = 1 and true");

        var and = node.ShouldBeOfType<YaqlBinary>();
        and.Operator.ShouldBe("and");
        var not = and.Left.ShouldBeOfType<YaqlUnary>();
        not.Operand.ShouldBeOfType<YaqlBinary>().Operator.ShouldBe("=");
    }

    [Fact]
    public void Parse_Arrow_RightAssociativeAndLoosest()
    {
        var node = YaqlParser.Parse("let(a => 1) -> let(b => 2) -> $a + $b");

        var outer = node.ShouldBeOfType<YaqlBinary>();
        outer.Operator.ShouldBe("->");
        outer.Right.ShouldBeOfType<YaqlBinary>().Operator.ShouldBe("->");
        outer.Left.ShouldBeOfType<YaqlCall>().Arguments.ShouldHaveSingleItem().ShouldBeOfType<YaqlMappingRule>();
    }

    [Fact]
    public void Parse_MethodChain_PositionsPointIntoTheText()
    {
        var node = YaqlParser.Parse("$.data.where($ != null)");

        var dot = node.ShouldBeOfType<YaqlBinary>();
        dot.Position.ShouldBe(6);
        dot.Right.ShouldBeOfType<YaqlCall>().Position.ShouldBe(7);
    }

    [Theory]
    [InlineData("1 ? 2", 2, "unexpected character '?' at position 3")]
    [InlineData("f(1, 2", 6, "unexpected end of expression")]
    [InlineData("1 => 2", 2, "unexpected '=>' at position 3")]
    [InlineData("f(a => 1, 2)", 10, "a positional argument after a named one at position 11")]
    public void Parse_BadExpression_ErrorAtItsPosition(string text, int position, string message)
    {
        var error = Should.Throw<YaqlSyntaxException>(() => YaqlParser.Parse(text));

        error.Position.ShouldBe(position);
        error.Message.ShouldBe(message);
    }

    [Fact]
    public void ParseCache_SameText_ParsedOnce()
    {
        var cache = new YaqlParseCache();

        var first = cache.Parse("$.data.select($ * 2)").Node;

        cache.Parse("$.data.select($ * 2)").Node.ShouldBeSameAs(first);
        cache.Parse("list(1,,)").Error.ShouldNotBeNull().Position.ShouldBe(8);
    }
}
