using System.Collections.Immutable;

namespace Hearth.Templates.Yaql;

/// <summary>
/// yaql 2.0's grammar (yaql/language/parser.py with the default operator table of factory.py) as a precedence
/// climbing parser. From loosest to tightest: <c>-&gt;</c> (right), <c>or</c>, <c>and</c>, prefix <c>not</c>,
/// comparisons and <c>in</c>, <c>+ -</c>, <c>* / mod</c>, <c>=~ !~</c>, prefix <c>+ -</c>, indexing, <c>. ?.</c>.
/// <c>=&gt;</c> only names an argument; a trailing comma is an error.
/// </summary>
public static class YaqlParser
{
    private const int UnaryNot = 4;
    private const int UnarySign = 9;
    private const int Indexer = 10;

    public static YaqlNode Parse(string expression)
    {
        var state = new State(YaqlLexer.Tokenize(expression));
        var node = state.Expression(0);
        state.Expect(YaqlTokenKind.End);
        return node;
    }

    private static int BinaryPrecedence(YaqlToken token) => token.Kind != YaqlTokenKind.Operator ? -1 : token.Text switch
    {
        "->" => 1,
        "or" => 2,
        "and" => 3,
        ">" or "<" or ">=" or "<=" or "!=" or "=" or "in" => 5,
        "+" or "-" => 6,
        "*" or "/" or "mod" => 7,
        "=~" or "!~" => 8,
        "." or "?." => 11,
        _ => -1,
    };

    private sealed class State(List<YaqlToken> tokens)
    {
        private int _index;

        private YaqlToken Peek => tokens[_index];

        public YaqlToken Expect(YaqlTokenKind kind)
        {
            var token = Peek;
            if (token.Kind != kind)
            {
                throw Unexpected(token);
            }

            _index++;
            return token;
        }

        public static YaqlSyntaxException Unexpected(YaqlToken token) => token.Kind == YaqlTokenKind.End
            ? new YaqlSyntaxException("unexpected end of expression", token.Position)
            : new YaqlSyntaxException($"unexpected '{token.Text}' at position {token.Position + 1}", token.Position);

        public YaqlNode Expression(int minimum)
        {
            var left = Prefix();
            while (true)
            {
                var token = Peek;
                if (token.Kind == YaqlTokenKind.OpenBracket && Indexer >= minimum)
                {
                    _index++;
                    left = new YaqlIndex(token.Position, left, Arguments(YaqlTokenKind.CloseBracket));
                    continue;
                }

                var precedence = BinaryPrecedence(token);
                if (precedence < 0 || precedence < minimum)
                {
                    return left;
                }

                _index++;
                var rightAssociative = token.Text == "->";
                var right = Expression(rightAssociative ? precedence : precedence + 1);
                left = new YaqlBinary(token.Position, token.Text, left, right);
            }
        }

        private YaqlNode Prefix()
        {
            var token = Peek;
            _index++;
            switch (token.Kind)
            {
                case YaqlTokenKind.Number or YaqlTokenKind.String or YaqlTokenKind.True or YaqlTokenKind.False or YaqlTokenKind.Null:
                    return new YaqlConstant(token.Position, token.Value);
                case YaqlTokenKind.Keyword:
                    return new YaqlKeyword(token.Position, token.Text);
                case YaqlTokenKind.Dollar:
                    return new YaqlVariable(token.Position, token.Text is "$" ? "$1" : token.Text);
                case YaqlTokenKind.Function:
                    return new YaqlCall(token.Position, token.Text, Arguments(YaqlTokenKind.CloseParen));
                case YaqlTokenKind.OpenParen:
                    var inner = Expression(0);
                    Expect(YaqlTokenKind.CloseParen);
                    return inner;
                case YaqlTokenKind.OpenBracket:
                    return new YaqlList(token.Position, Arguments(YaqlTokenKind.CloseBracket));
                case YaqlTokenKind.OpenBrace:
                    return new YaqlMap(token.Position, Arguments(YaqlTokenKind.CloseBrace));
                case YaqlTokenKind.Operator when token.Text == "not":
                    return new YaqlUnary(token.Position, "not", Expression(UnaryNot + 1));
                case YaqlTokenKind.Operator when token.Text is "+" or "-":
                    return new YaqlUnary(token.Position, token.Text, Expression(UnarySign + 1));
                default:
                    throw Unexpected(token);
            }
        }

        /// <summary>
        /// <c>args</c> of the grammar: positional arguments (an empty slot between commas is allowed, a trailing comma
        /// is not), then named ones (<c>x =&gt; y</c>), up to the closing token.
        /// </summary>
        private ImmutableArray<YaqlNode> Arguments(YaqlTokenKind close)
        {
            var items = ImmutableArray.CreateBuilder<YaqlNode>();
            if (Peek.Kind == close)
            {
                _index++;
                return items.ToImmutable();
            }

            var named = false;
            while (true)
            {
                var token = Peek;
                if (token.Kind == YaqlTokenKind.Comma)
                {
                    if (named)
                    {
                        throw Unexpected(token);
                    }

                    items.Add(new YaqlNoValue(token.Position));
                    _index++;
                    if (Peek.Kind == close)
                    {
                        throw Unexpected(Peek);
                    }

                    continue;
                }

                var value = Expression(0);
                if (Peek.Kind == YaqlTokenKind.Mapping)
                {
                    var arrow = Expect(YaqlTokenKind.Mapping);
                    value = new YaqlMappingRule(arrow.Position, value, Expression(0));
                    named = true;
                }
                else if (named)
                {
                    throw new YaqlSyntaxException($"a positional argument after a named one at position {token.Position + 1}", token.Position);
                }

                items.Add(value);
                var next = Peek;
                if (next.Kind == close)
                {
                    _index++;
                    return items.ToImmutable();
                }

                Expect(YaqlTokenKind.Comma);
                if (Peek.Kind == close)
                {
                    throw Unexpected(Peek);
                }
            }
        }
    }
}
