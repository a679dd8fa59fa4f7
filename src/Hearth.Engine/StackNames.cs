namespace Hearth.Engine;

/// <summary>
/// Heat's rule for stack names: a letter, then letters, digits, <c>_</c>, <c>.</c> or <c>-</c>, at most 255 characters.
/// A name becomes part of file names (the log of a background operation) and is printed everywhere, so nothing else
/// may be one: no path separators, no spaces, no control characters.
/// </summary>
public static class StackNames
{
    public const int MaxLength = 255;

    public const string Rule = "a stack name starts with a letter and holds only letters, digits, '_', '.' and '-', at most 255 characters";

    /// <summary>Why <paramref name="name"/> cannot name a stack, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return $"the stack name is empty: {Rule}";
        }

        if (name.Length > MaxLength)
        {
            return $"the stack name has {name.Length} characters: {Rule}";
        }

        var valid = char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
        return valid ? null : $"'{name}' cannot name a stack: {Rule}";
    }
}
