namespace Hearth.Cli;

/// <summary>
/// Where the CLI writes: results (tables, JSON, YAML) to <see cref="Out"/>, diagnostics, progress and messages to
/// <see cref="Error"/>. In-process tests pass string writers; <see cref="Program"/> passes the real console.
/// </summary>
public sealed class CliConsole(TextWriter @out, TextWriter error, bool isTerminal = false, TextReader? input = null)
{
    /// <summary>Where confirmations are read from (empty in tests and scripts).</summary>
    public TextReader Input { get; } = input ?? TextReader.Null;

    public TextWriter Out { get; } = @out;

    public TextWriter Error { get; } = error;

    /// <summary>True when stderr is an interactive terminal: live progress is drawn only then.</summary>
    public bool IsTerminal { get; } = isTerminal;
}
