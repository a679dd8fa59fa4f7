using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Expressions;

/// <summary>
/// What a function's static checks (Heat's validate phase) need: somewhere to report, and the evaluation context
/// for the little that validation may resolve (the condition of an <c>if</c>, to validate only the chosen branch).
/// </summary>
public sealed class ValidationContext(DiagnosticBag diagnostics, EvaluationContext evaluation)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public EvaluationContext Evaluation { get; } = evaluation;

    public void Report(TemplateException error) => Diagnostics.Add(error.ToDiagnostic());
}
