namespace Hearth.Templates.Yaql;

/// <summary>A yaql expression that does not lex or parse; <see cref="Position"/> is the 0-based offset in the text.</summary>
public sealed class YaqlSyntaxException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}

/// <summary>An error while a yaql expression is evaluated (Heat reports these as the output's or property's error).</summary>
public sealed class YaqlEvaluationException(string message) : Exception(message);
