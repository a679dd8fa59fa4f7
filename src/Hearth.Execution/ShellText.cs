namespace Hearth.Execution;

/// <summary>Text for commands handed to a shell (a command a script completes and runs), quoted so it stays one word.</summary>
public static class ShellText
{
    /// <summary>Single-quotes a word for /bin/sh: nothing inside is expanded.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
