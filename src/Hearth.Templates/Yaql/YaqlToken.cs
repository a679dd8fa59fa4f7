namespace Hearth.Templates.Yaql;

internal enum YaqlTokenKind
{
    End,
    Number,
    String,
    Keyword,
    Function,
    Dollar,
    True,
    False,
    Null,
    Operator,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    OpenBrace,
    CloseBrace,
    Comma,
    Mapping,
}

/// <summary>A token: its kind, its text (operator symbol, name, string value) or number, and its offset.</summary>
internal readonly record struct YaqlToken(YaqlTokenKind Kind, string Text, object? Value, int Position);
