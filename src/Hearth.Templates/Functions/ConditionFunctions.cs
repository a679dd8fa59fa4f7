using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>How a resolved condition argument becomes a boolean (Heat's <c>_get_condition</c>).</summary>
public static class ConditionValue
{
    /// <summary>A boolean is itself; a string is the name of a condition of the <c>conditions</c> section; anything else is invalid.</summary>
    public static bool Resolve(object? value, EvaluationContext context, SourceSpan span) => value switch
    {
        bool b => b,
        string name => context.GetCondition(name, span),
        _ => throw new TemplateException(span, DiagnosticCodes.UnknownCondition,
            $"Invalid condition \"{Value.ToPythonString(value)}\": a condition is true, false, the name of a condition or a condition function"),
    };
}

/// <summary>
/// <c>if: [condition, value_if_true, value_if_false]</c> (a macro: only the chosen branch counts). From 2021-04-16 the
/// false value may be left out: the enclosing list item or map entry is then dropped (<see cref="Omitted"/>).
/// </summary>
internal sealed class IfFunction : FunctionExpression
{
    private readonly Expression? _whenFalse;

    public IfFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var nullable = call.Version.AtLeast(TemplateVersion.V2021_04_16);
        if (call.ArgumentSyntax is not SequenceNode sequence || sequence.Items.Length != 3 && !(nullable && sequence.Items.Length == 2))
        {
            throw Error($"Arguments to \"{Name}\" must be of the form: [condition_name, value_if_true, value_if_false]"
                + (nullable ? " (value_if_false may be left out)" : ""));
        }

        Condition = call.Parser.ParseCondition(sequence.Items[0]);
        WhenTrue = call.Parser.ParseDeferred(sequence.Items[1]);
        _whenFalse = sequence.Items.Length == 3 ? call.Parser.ParseDeferred(sequence.Items[2]) : null;
    }

    public Expression Condition { get; }

    public Expression WhenTrue { get; }

    /// <summary>The value when the condition is false; null for a two-argument <c>if</c> (the value is then omitted).</summary>
    public Expression? WhenFalse => _whenFalse;

    public override IEnumerable<Expression> Children => _whenFalse is null ? [Condition, WhenTrue] : [Condition, WhenTrue, _whenFalse];

    public override IEnumerable<Expression> ActiveChildren(EvaluationContext context)
    {
        bool? chosen;
        try
        {
            chosen = Choose(context);
        }
        catch (TemplateException)
        {
            return [Condition];
        }

        return chosen switch
        {
            true => [Condition, WhenTrue],
            false => _whenFalse is null ? [Condition] : [Condition, _whenFalse],
            null => Children,
        };
    }

    public override void Validate(ValidationContext context)
    {
        Condition.Validate(context);
        bool? chosen;
        try
        {
            chosen = Choose(context.Evaluation);
        }
        catch (TemplateException e)
        {
            context.Report(e);
            return;
        }

        IEnumerable<Expression?> branches = chosen switch
        {
            true => [WhenTrue],
            false => [_whenFalse],
            null => [WhenTrue, _whenFalse],
        };
        foreach (var branch in branches)
        {
            if (branch is InvalidExpression invalid && chosen is not null)
            {
                context.Diagnostics.Add(invalid.Error);
            }

            branch?.Validate(context);
        }
    }

    public override object? Evaluate(EvaluationContext context) => Choose(context) switch
    {
        true => WhenTrue.Evaluate(context),
        false => _whenFalse is null ? Omitted.Value : _whenFalse.Evaluate(context),
        null => Unknown.Value,
    };

    /// <summary>The branch to take: true, false, or null when the condition is only known after apply.</summary>
    private bool? Choose(EvaluationContext context)
    {
        var condition = Condition.Evaluate(context);
        return condition is Unknown ? null : ConditionValue.Resolve(condition, context, Condition.Span);
    }
}

/// <summary><c>equals: [value_1, value_2]</c>: Python equality of the resolved values (1 == 1.0, but 1 != "1").</summary>
internal sealed class EqualsFunction : FunctionExpression
{
    private readonly Expression _left;
    private readonly Expression _right;

    public EqualsFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var items = FunctionArguments.AsList(call.Arguments);
        if (items is not { Count: 2 })
        {
            throw Error($"Arguments to \"{Name}\" must be of the form: [value_1, value_2]");
        }

        _left = items[0];
        _right = items[1];
    }

    public override IEnumerable<Expression> Children => [_left, _right];

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_left, context, out var left) || !TryEvaluateKnown(_right, context, out var right))
        {
            return Unknown.Value;
        }

        return Value.DeepEquals(left, right);
    }
}

/// <summary><c>not: condition</c> (a name, a boolean or a condition function).</summary>
internal sealed class NotFunction : FunctionExpression
{
    public NotFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        if (call.Arguments is LiteralExpression { Value: null })
        {
            throw Error($"Argument to \"{Name}\" must be a condition: a condition name, true/false or a condition function");
        }
    }

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var condition))
        {
            return Unknown.Value;
        }

        return !ConditionValue.Resolve(condition, context, Arguments.Span);
    }
}

/// <summary><c>and: [c1, c2, …]</c> and <c>or: [c1, c2, …]</c>: at least two conditions, evaluated with short-circuit.</summary>
internal sealed class ConditionBooleanFunction : FunctionExpression
{
    private readonly IReadOnlyList<Expression> _conditions;
    private readonly bool _all;

    public ConditionBooleanFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        _all = call.Name == "and";
        _conditions = FunctionArguments.AsList(call.Arguments)
            ?? throw Error($"Arguments to \"{Name}\" must be a list of conditions");
        if (_conditions.Count < 2)
        {
            throw Error($"The minimum number of condition arguments to \"{Name}\" is 2.");
        }
    }

    public override IEnumerable<Expression> Children => _conditions;

    public override object? Evaluate(EvaluationContext context)
    {
        var values = new List<object?>(_conditions.Count);
        foreach (var condition in _conditions)
        {
            if (!TryEvaluateKnown(condition, context, out var value))
            {
                return Unknown.Value;
            }

            values.Add(value);
        }

        var spans = _conditions.Select(c => c.Span).ToList();
        return _all
            ? values.Select((v, i) => (v, i)).All(x => ConditionValue.Resolve(x.v, context, spans[x.i]))
            : values.Select((v, i) => (v, i)).Any(x => ConditionValue.Resolve(x.v, context, spans[x.i]));
    }
}
