using System.Globalization;
using System.Numerics;
using System.Text;

namespace Hearth.Templates.Yaql;

/// <summary>
/// yaql 2.0's tokens (yaql/language/lexer.py): numbers, three kinds of strings, keywords (bare words, which are
/// strings), function names (a word followed directly by <c>(</c>), <c>$</c> variables and the operator symbols.
/// </summary>
internal static class YaqlLexer
{
    private static readonly string[] _symbols =
        ["=>", "->", "?.", "=~", "!~", ">=", "<=", "!=", ".", "+", "-", "*", "/", ">", "<", "="];

    private static readonly HashSet<string> _wordOperators = ["mod", "in", "and", "or", "not"];

    public static List<YaqlToken> Tokenize(string text)
    {
        var tokens = new List<YaqlToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                i++;
                continue;
            }

            var start = i;
            if (c == '$')
            {
                i++;
                while (i < text.Length && IsWordChar(text[i]))
                {
                    i++;
                }

                tokens.Add(new YaqlToken(YaqlTokenKind.Dollar, text[start..i], null, start));
                continue;
            }

            if (char.IsAsciiDigit(c) && (start == 0 || !IsWordChar(text[start - 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }

            if (IsWordStart(c))
            {
                while (i < text.Length && IsWordChar(text[i]))
                {
                    i++;
                }

                var word = text[start..i];
                if (i < text.Length && text[i] == '(')
                {
                    i++;
                    tokens.Add(new YaqlToken(YaqlTokenKind.Function, word, null, start));
                }
                else if (_wordOperators.Contains(word))
                {
                    tokens.Add(new YaqlToken(YaqlTokenKind.Operator, word, null, start));
                }
                else
                {
                    tokens.Add(word switch
                    {
                        "true" => new YaqlToken(YaqlTokenKind.True, word, true, start),
                        "false" => new YaqlToken(YaqlTokenKind.False, word, false, start),
                        "null" => new YaqlToken(YaqlTokenKind.Null, word, null, start),
                        _ => new YaqlToken(YaqlTokenKind.Keyword, word, word, start),
                    });
                }

                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                tokens.Add(ReadString(text, ref i));
                continue;
            }

            var single = c switch
            {
                '(' => YaqlTokenKind.OpenParen,
                ')' => YaqlTokenKind.CloseParen,
                '[' => YaqlTokenKind.OpenBracket,
                ']' => YaqlTokenKind.CloseBracket,
                '{' => YaqlTokenKind.OpenBrace,
                '}' => YaqlTokenKind.CloseBrace,
                ',' => YaqlTokenKind.Comma,
                _ => YaqlTokenKind.End,
            };
            if (single != YaqlTokenKind.End)
            {
                i++;
                tokens.Add(new YaqlToken(single, c.ToString(), null, start));
                continue;
            }

            var symbol = _symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (symbol is null)
            {
                throw new YaqlSyntaxException($"unexpected character '{c}' at position {start + 1}", start);
            }

            i += symbol.Length;
            tokens.Add(new YaqlToken(symbol == "=>" ? YaqlTokenKind.Mapping : YaqlTokenKind.Operator, symbol, null, start));
        }

        tokens.Add(new YaqlToken(YaqlTokenKind.End, "", null, text.Length));
        return tokens;
    }

    private static bool IsWordStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsWordChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    // \b\d+(\.?\d+)?\b
    private static YaqlToken ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var isFloat = false;
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            isFloat = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && IsWordChar(text[i]))
        {
            throw new YaqlSyntaxException($"unexpected character '{text[i]}' at position {i + 1}", i);
        }

        var literal = text[start..i];
        object value = isFloat
            ? double.Parse(literal, CultureInfo.InvariantCulture)
            : long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? (object)l : BigInteger.Parse(literal, CultureInfo.InvariantCulture);
        return new YaqlToken(YaqlTokenKind.Number, literal, value, start);
    }

    private static YaqlToken ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i;
        i++;
        var raw = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new YaqlSyntaxException($"unterminated string starting at position {start + 1}", start);
            }

            var c = text[i];
            if (c == quote)
            {
                i++;
                break;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                raw.Append(c).Append(text[i + 1]);
                i += 2;
                continue;
            }

            raw.Append(c);
            i++;
        }

        var body = raw.ToString();
        var value = quote == '`' ? body.Replace("\\`", "`", StringComparison.Ordinal) : DecodeEscapes(body);
        return new YaqlToken(YaqlTokenKind.String, text[start..i], value, start);
    }

    /// <summary>Python's unicode-escape for the escapes yaql decodes; any other backslash stays as written.</summary>
    private static string DecodeEscapes(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }

            var n = s[i + 1];
            switch (n)
            {
                case '\\': sb.Append('\\'); i++; continue;
                case '\'': sb.Append('\''); i++; continue;
                case '"': sb.Append('"'); i++; continue;
                case 'a': sb.Append('\a'); i++; continue;
                case 'b': sb.Append('\b'); i++; continue;
                case 'f': sb.Append('\f'); i++; continue;
                case 'n': sb.Append('\n'); i++; continue;
                case 'r': sb.Append('\r'); i++; continue;
                case 't': sb.Append('\t'); i++; continue;
                case 'v': sb.Append('\v'); i++; continue;
                case 'x' when TryHex(s, i + 2, 2, out var x):
                    sb.Append((char)x);
                    i += 3;
                    continue;
                case 'u' when TryHex(s, i + 2, 4, out var u):
                    sb.Append((char)u);
                    i += 5;
                    continue;
                case 'U' when TryHex(s, i + 2, 8, out var big):
                    sb.Append(char.ConvertFromUtf32(big));
                    i += 9;
                    continue;
            }

            if (n is >= '0' and <= '7')
            {
                var j = i + 1;
                var value = 0;
                while (j < s.Length && j < i + 4 && s[j] is >= '0' and <= '7')
                {
                    value = value * 8 + (s[j] - '0');
                    j++;
                }

                sb.Append((char)value);
                i = j - 1;
                continue;
            }

            sb.Append('\\');
        }

        return sb.ToString();
    }

    private static bool TryHex(string s, int start, int length, out int value)
    {
        value = 0;
        return start + length <= s.Length
            && int.TryParse(s.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
