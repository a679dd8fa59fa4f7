using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Yaql;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>yaql: {expression: …, data: …}</c> (Heat's Yaql): evaluates the expression with <c>$</c> = <c>{"data": data}</c>.
/// A literal expression is parsed once, with the template; its syntax error is a validation error at the expression.
/// A computed expression is parsed when evaluated. Evaluation errors are errors of the value (an output, a property).
/// </summary>
internal sealed class YaqlHotFunction : FunctionExpression
{
    private const string Example = "yaql:\n  expression: $.data.var1.sum()\n  data:\n    var1: [3, 2, 1]";

    private readonly Expression _expression;
    private readonly Expression _data;
    private readonly SourceSpan _expressionSpan;
    private readonly YaqlNode? _parsed;
    private readonly YaqlSyntaxException? _syntaxError;
    private readonly YaqlParseCache _cache;

    public YaqlHotFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var entries = FunctionArguments.AsMap(call.Arguments)
            ?? throw Error($"Arguments to \"{Name}\" must be a map: {{expression: …, data: …}}");
        var expression = FunctionArguments.Find(entries, "expression");
        if (expression is null || entries.Any(e => e.Key is not ("expression" or "data")))
        {
            throw Error($"\"{Name}\" takes a map with the keys expression (required) and data (optional), for example\n{Example}");
        }

        _expression = expression;
        _data = FunctionArguments.Find(entries, "data") ?? new LiteralExpression(call.Span, Value.NewMap());
        _expressionSpan = (call.ArgumentSyntax as MappingNode)?["expression"]?.Span ?? expression.Span;
        _cache = call.Parser.YaqlCache;
        if (expression is LiteralExpression { Value: string text })
        {
            (_parsed, _syntaxError) = _cache.Parse(text);
        }
    }

    public override IEnumerable<Expression> Children => [_expression, _data];

    public override void Validate(ValidationContext context)
    {
        base.Validate(context);
        if (_expression is LiteralExpression { Value: not string } literal)
        {
            context.Report(NotAString(literal.Value));
        }
        else if (_syntaxError is not null && _expression is LiteralExpression { Value: string text })
        {
            context.Report(SyntaxError(text, _syntaxError));
        }
    }

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_expression, context, out var expression) || !TryEvaluateKnown(_data, context, out var data))
        {
            return Unknown.Value;
        }

        if (expression is not string text)
        {
            throw NotAString(expression);
        }

        var node = Parse(text);
        var root = Value.NewMap();
        root["data"] = data is Omitted ? null : data;
        try
        {
            return new YaqlEvaluator(context.YaqlLimits).Evaluate(node, root);
        }
        catch (YaqlEvaluationException e)
        {
            throw new TemplateException(Span, DiagnosticCodes.YaqlEvaluation, $"yaql expression '{Shorten(text)}' failed: {e.Message}");
        }
    }

    /// <summary>A computed expression is parsed when evaluated, once per distinct text (the template's cache, thread-safe).</summary>
    private YaqlNode Parse(string text)
    {
        var (node, error) = _expression is LiteralExpression ? (_parsed, _syntaxError) : _cache.Parse(text);
        return node ?? throw SyntaxError(text, error ?? throw new InvalidOperationException("neither a tree nor an error"));
    }

    private TemplateException NotAString(object? value) =>
        Error($"The \"expression\" argument to {Name} must be a string, not {Value.TypeName(value)}");

    /// <summary>At the expression; at the exact column when the expression is written on one line as it reads.</summary>
    private TemplateException SyntaxError(string text, YaqlSyntaxException error)
    {
        var span = _expressionSpan;
        var width = span.EndColumn - span.Column;
        if (span.Line == span.EndLine && (width == text.Length || width == text.Length + 2))
        {
            var column = span.Column + (width == text.Length ? 0 : 1) + error.Position;
            span = new SourceSpan(span.File, span.Line, column, span.Line, column + 1);
        }

        return new TemplateException(span, DiagnosticCodes.YaqlSyntax,
            $"yaql syntax error in '{Shorten(text)}': {error.Message}");
    }

    private static string Shorten(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 80 ? flat : flat[..77] + "...";
    }
}
