using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Templates.Expressions;

/// <summary>
/// An intrinsic function call: a one-key map whose key is a function name of the template's version.
/// Subclasses check their argument shape in the constructor (throwing <see cref="TemplateException"/>, which the
/// parser turns into a diagnostic) and compute their value in <c>Evaluate</c>.
/// </summary>
public abstract class FunctionExpression(SourceSpan span, string name, Expression arguments) : Expression(span)
{
    /// <summary>The function name as written (<c>get_attr</c>, <c>str_replace</c>, …).</summary>
    public string Name { get; } = name;

    /// <summary>The argument expression as written (a list, a map, a scalar or another function).</summary>
    public Expression Arguments { get; } = arguments;

    public override IEnumerable<Expression> Children => [Arguments];

    /// <summary>An error at this call, in the same code family as every function error.</summary>
    protected TemplateException Error(string message, string code = DiagnosticCodes.FunctionArguments) => new(Span, code, message);

    /// <summary>Evaluates an argument; an unknown (known after apply) value makes the whole call unknown.</summary>
    protected static bool TryEvaluateKnown(Expression expression, EvaluationContext context, out object? value)
    {
        value = expression.Evaluate(context);
        return !Value.ContainsUnknown(value);
    }
}
