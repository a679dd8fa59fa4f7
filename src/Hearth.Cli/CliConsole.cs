namespace Hearth.Cli;

/// <summary>
/// Where the CLI writes: results (tables, JSON, YAML) to <see cref="Out"/>, diagnostics, progress and messages to
/// <see cref="Error"/>. In-process tests pass string writers; <see cref="Program"/> passes the real console.
/// </summary>
public sealed class CliConsole(TextWriter @out, TextWriter error, bool isTerminal = false, TextReader? input = null)
{
    /// <summary>Where confirmations are read from (empty in tests and scripts).</summary>
    public TextReader Input { get; } = input ?? TextReader.Null;

    /// <summary>Results; control characters in them are shown, not obeyed (<see cref="Rendering.TerminalText"/>).</summary>
    public TextWriter Out { get; } = new Rendering.VisibleTextWriter(@out);

    /// <summary>Messages and progress; control characters in them are shown, not obeyed.</summary>
    public TextWriter Error { get; } = new Rendering.VisibleTextWriter(error);

    /// <summary>stderr as it is, for the live progress display, which draws with escape sequences of its own.</summary>
    public TextWriter RawError { get; } = error;

    /// <summary>True when stderr is an interactive terminal: live progress is drawn only then.</summary>
    public bool IsTerminal { get; } = isTerminal;
}
