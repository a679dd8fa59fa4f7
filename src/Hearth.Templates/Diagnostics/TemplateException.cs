namespace Hearth.Templates.Diagnostics;

/// <summary>
/// Raised while a function is evaluated and caught at the evaluation boundary, where it becomes a
/// <see cref="Diagnostic"/> (validation) or an output/resource error (runtime). It never reaches a user as a stack trace.
/// </summary>
public sealed class TemplateException(SourceSpan span, string code, string message) : Exception(message)
{
    public SourceSpan Span { get; } = span;

    public string Code { get; } = code;

    public Diagnostic ToDiagnostic() => new(Span, DiagnosticLevel.Error, Code, Message);
}
