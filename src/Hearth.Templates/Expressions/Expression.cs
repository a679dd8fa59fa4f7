using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Templates.Expressions;

/// <summary>
/// A parsed template value: literal data, lists and maps of expressions, and intrinsic function calls.
/// Parsing happens once per template version (argument shapes are checked then, Heat's "parse" phase);
/// <see cref="Validate"/> runs the checks that need no values (Heat's "validate" phase); <see cref="Evaluate"/>
/// computes the value (Heat's "resolve" phase) and throws <see cref="TemplateException"/> on a user error.
/// </summary>
public abstract class Expression(SourceSpan span)
{
    public SourceSpan Span { get; } = span;

    public abstract object? Evaluate(EvaluationContext context);

    /// <summary>The sub-expressions, for walks that collect dependencies or validate.</summary>
    public virtual IEnumerable<Expression> Children => [];

    /// <summary>
    /// The sub-expressions that take part in evaluation in this context: for <c>if</c> only the chosen branch,
    /// so that a reference in the untaken branch makes no dependency.
    /// </summary>
    public virtual IEnumerable<Expression> ActiveChildren(EvaluationContext context) => Children;

    /// <summary>Checks that need no values; reports problems into the bag and goes on.</summary>
    public virtual void Validate(ValidationContext context)
    {
        foreach (var child in Children)
        {
            child.Validate(context);
        }
    }

    /// <summary>Every expression in this tree, this one first.</summary>
    public IEnumerable<Expression> DescendantsAndSelf()
    {
        var stack = new Stack<Expression>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.Children.Reverse())
            {
                stack.Push(child);
            }
        }
    }
}

/// <summary>Plain data with no function inside it.</summary>
public sealed class LiteralExpression(SourceSpan span, object? value) : Expression(span)
{
    public object? Value { get; } = value;

    public override object? Evaluate(EvaluationContext context) => Value;
}

public sealed class ListExpression(SourceSpan span, ImmutableArray<Expression> items) : Expression(span)
{
    public ImmutableArray<Expression> Items { get; } = items;

    public override IEnumerable<Expression> Children => Items;

    public override object? Evaluate(EvaluationContext context)
    {
        var result = new List<object?>(Items.Length);
        foreach (var item in Items)
        {
            var value = item.Evaluate(context);
            if (value is not Omitted)
            {
                result.Add(value);
            }
        }

        return result;
    }
}

public sealed record MapExpressionEntry(string Key, SourceSpan KeySpan, Expression Value);

public sealed class MapExpression(SourceSpan span, ImmutableArray<MapExpressionEntry> entries) : Expression(span)
{
    public ImmutableArray<MapExpressionEntry> Entries { get; } = entries;

    public override IEnumerable<Expression> Children => Entries.Select(e => e.Value);

    public Expression? this[string key] => Entries.LastOrDefault(e => e.Key == key)?.Value;

    public override object? Evaluate(EvaluationContext context)
    {
        var result = Value.NewMap();
        foreach (var entry in Entries)
        {
            var value = entry.Value.Evaluate(context);
            if (value is not Omitted)
            {
                result[entry.Key] = value;
            }
        }

        return result;
    }
}

/// <summary>Stands where a function could not be parsed; its error was reported when it was parsed.</summary>
public sealed class InvalidExpression(SourceSpan span, Diagnostic error) : Expression(span)
{
    public Diagnostic Error { get; } = error;

    public override object? Evaluate(EvaluationContext context) => throw new TemplateException(Error.Span, Error.Code, Error.Message);
}
