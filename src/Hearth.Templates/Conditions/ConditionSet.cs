using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Conditions;

/// <summary>
/// The <c>conditions</c> section: named condition expressions (a boolean, the name of another condition, or a
/// condition function: get_param, equals, not, and, or, and from 2017-09-01 contains). Parsed once per template;
/// evaluated per stack through <see cref="CreateResolver"/>, lazily and memoised (Heat's conditions.Conditions).
/// </summary>
public sealed class ConditionSet
{
    private readonly ImmutableDictionary<string, Expression> _definitions;

    private ConditionSet(ImmutableArray<string> names, ImmutableDictionary<string, Expression> definitions)
    {
        Names = names;
        _definitions = definitions;
    }

    public static ConditionSet Empty { get; } = new([], ImmutableDictionary<string, Expression>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The condition names in the order they are written.</summary>
    public ImmutableArray<string> Names { get; }

    public bool Contains(string name) => _definitions.ContainsKey(name);

    /// <summary>The parsed definition of a condition, or null.</summary>
    public Expression? Definition(string name) => _definitions.GetValueOrDefault(name);

    /// <summary>
    /// Parses the <c>conditions</c> section (null when the template has none). Problems are reported into the parser's
    /// diagnostics; a section that is not a map gives an empty set.
    /// </summary>
    public static ConditionSet Parse(SyntaxNode? section, ExpressionParser parser)
    {
        switch (section)
        {
            case null or ScalarNode { Value: null }:
                return Empty;
            case MappingNode mapping:
                var names = ImmutableArray.CreateBuilder<string>();
                var definitions = ImmutableDictionary.CreateBuilder<string, Expression>(StringComparer.Ordinal);
                foreach (var entry in mapping.Entries)
                {
                    if (!definitions.ContainsKey(entry.Key))
                    {
                        names.Add(entry.Key);
                    }

                    definitions[entry.Key] = parser.ParseCondition(entry.Value);
                }

                return new ConditionSet(names.ToImmutable(), definitions.ToImmutable());
            default:
                parser.Diagnostics.Error(section.Span, DiagnosticCodes.SectionWrongType,
                    "The conditions section must be a map of condition names to conditions");
                return Empty;
        }
    }

    /// <summary>
    /// Parses a reference to a condition: a resource's or output's <c>condition</c> key. A boolean, a condition name of
    /// this set, or a condition function; an unknown name or any other value is reported (Heat's parse phase).
    /// </summary>
    public Expression ParseReference(SyntaxNode node, ExpressionParser parser)
    {
        switch (node)
        {
            case ScalarNode { Value: bool value }:
                return new LiteralExpression(node.Span, value);
            case ScalarNode { Value: string name } when Contains(name):
                return new LiteralExpression(node.Span, name);
            case MappingNode:
                return parser.ParseCondition(node);
            default:
                var text = node is ScalarNode scalar ? Value.ToPythonString(scalar.Value) : Value.ToPythonString(node.ToValue());
                var diagnostic = new Diagnostic(node.Span, DiagnosticLevel.Error, DiagnosticCodes.UnknownCondition, UnknownMessage(text));
                parser.Diagnostics.Add(diagnostic);
                return new InvalidExpression(node.Span, diagnostic);
        }
    }

    /// <summary>Checks the definitions without values: each must be a boolean, a name or a condition function.</summary>
    public void Validate(ValidationContext context)
    {
        foreach (var name in Names)
        {
            var definition = _definitions[name];
            if (definition is LiteralExpression { Value: not (bool or string) } literal)
            {
                context.Report(InvalidDefinition(name, literal.Value, definition.Span));
                continue;
            }

            if (definition is LiteralExpression { Value: string other } && !Contains(other))
            {
                context.Report(new TemplateException(definition.Span, DiagnosticCodes.UnknownCondition, UnknownMessage(other)));
            }

            definition.Validate(context);
        }
    }

    /// <summary>A per-stack evaluator of these conditions: evaluates each name at most once.</summary>
    public ConditionResolver CreateResolver(EvaluationContext context) => new(this, context);

    internal string UnknownMessage(string name) =>
        Names.IsEmpty
            ? $"Invalid condition \"{name}\": the template has no conditions section"
            : $"Invalid condition \"{name}\": the conditions section defines {string.Join(", ", Names)}";

    internal static TemplateException InvalidDefinition(string name, object? value, SourceSpan span) =>
        new(span, DiagnosticCodes.ConditionInvalid,
            $"The definition of condition \"{name}\" is invalid: {Value.ToPythonString(value)} (a {Value.TypeName(value)}); "
            + "a condition must be true, false, a condition name or a condition function that gives a boolean");
}

/// <summary>Evaluates the conditions of one <see cref="ConditionSet"/> against one stack, memoised, detecting cycles.</summary>
public sealed class ConditionResolver
{
    private readonly ConditionSet _set;
    private readonly EvaluationContext _context;
    private readonly Dictionary<string, bool> _resolved = new(StringComparer.Ordinal);
    private readonly List<string> _inProgress = [];

    internal ConditionResolver(ConditionSet set, EvaluationContext context)
    {
        _set = set;
        _context = context;
    }

    /// <summary>The value of the named condition; <paramref name="span"/> is where it is referenced.</summary>
    public bool IsEnabled(string name, SourceSpan span)
    {
        if (_resolved.TryGetValue(name, out var known))
        {
            return known;
        }

        var definition = _set.Definition(name)
            ?? throw new TemplateException(span, DiagnosticCodes.UnknownCondition, _set.UnknownMessage(name));
        var start = _inProgress.IndexOf(name);
        if (start >= 0)
        {
            var cycle = string.Join(" -> ", _inProgress.Skip(start).Append(name));
            throw new TemplateException(definition.Span, DiagnosticCodes.ConditionCycle,
                $"Circular definition for condition \"{name}\": {cycle}");
        }

        _inProgress.Add(name);
        try
        {
            var value = definition.Evaluate(_context);
            var result = value switch
            {
                bool b => b,
                string other when definition is LiteralExpression => IsEnabled(other, definition.Span),
                Unknown => throw MissingParameter(name, definition) ?? new TemplateException(definition.Span, DiagnosticCodes.ConditionInvalid,
                    $"The condition \"{name}\" depends on a value known only after apply; conditions may use parameters only"),
                _ => throw ConditionSet.InvalidDefinition(name, value, definition.Span),
            };
            _resolved[name] = result;
            return result;
        }
        finally
        {
            _inProgress.RemoveAt(_inProgress.Count - 1);
        }
    }

    /// <summary>A condition is unknown when a parameter it uses has no value (validating without it): Heat refuses that, naming it.</summary>
    private TemplateException? MissingParameter(string condition, Expression definition)
    {
        foreach (var use in definition.DescendantsAndSelf().OfType<GetParamFunction>())
        {
            if (use.ParameterName is { } parameter && IsUnknown(parameter, use.Span))
            {
                return new TemplateException(use.Span, DiagnosticCodes.ParameterMissing,
                    $"The Parameter ({parameter}) was not provided, and the condition \"{condition}\" needs it. Pass it with --parameter {parameter}=VALUE, " +
                    "or set it under 'parameters:' (or 'parameter_defaults:') in an environment file given with -e");
            }
        }

        return null;
    }

    private bool IsUnknown(string parameter, SourceSpan span)
    {
        try
        {
            return _context.GetParameter(parameter, span) is Unknown;
        }
        catch (TemplateException)
        {
            return false;
        }
    }

    /// <summary>The value of a parsed condition reference (<see cref="ConditionSet.ParseReference"/>, the condition of an <c>if</c>).</summary>
    public bool Evaluate(Expression condition)
    {
        var value = condition.Evaluate(_context);
        return value is string name ? IsEnabled(name, condition.Span) : ConditionValue.Resolve(value, _context, condition.Span);
    }
}
