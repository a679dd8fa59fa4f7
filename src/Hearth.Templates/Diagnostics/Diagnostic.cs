namespace Hearth.Templates.Diagnostics;

public enum DiagnosticLevel
{
    Error = 0,
    Warning = 1,
}

/// <summary>
/// A problem found in a template or environment, with its place, a stable code and a message that says how to fix it.
/// Template errors are data, never exceptions: validation collects as many as it can in one run.
/// </summary>
public sealed record Diagnostic(SourceSpan Span, DiagnosticLevel Level, string Code, string Message)
{
    public bool IsError => Level == DiagnosticLevel.Error;

    /// <summary>The compiler-style line: <c>FILE:LINE:COL: error HT104: message</c>.</summary>
    public override string ToString() =>
        $"{Span.File}:{Span.Line}:{Span.Column}: {(IsError ? "error" : "warning")} {Code}: {Message}";
}
