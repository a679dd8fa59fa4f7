using System.Collections.Immutable;

namespace Hearth.Templates.Yaql;

/// <summary>
/// Evaluates a parsed expression against <c>$</c>, with yaql 2.0's semantics as Heat configures it (no legacy mode,
/// no delegates, camelCase names) and Heat's limits. One evaluator per evaluation; not shared between threads.
/// </summary>
public sealed class YaqlEvaluator(YaqlLimits limits)
{
    public YaqlLimits Limits { get; } = limits;

    /// <summary>Evaluates <paramref name="expression"/> with <c>$</c> = the root value (a template value) and returns a template value.</summary>
    public object? Evaluate(YaqlNode expression, object? root)
    {
        var scope = new YaqlScope(null) { ["$"] = YaqlData.FromTemplate(root) };
        return YaqlData.ToTemplate(Eval(expression, scope), Limits);
    }

    internal object? Eval(YaqlNode node, YaqlScope scope)
    {
        switch (node)
        {
            case YaqlConstant constant:
                return constant.Value;
            case YaqlKeyword keyword:
                return keyword.Name;
            case YaqlVariable variable:
                return Checked(scope.Get(variable.Name));
            case YaqlCall call:
                return Invoke(call.Name, call.Arguments, scope, hasReceiver: false, receiver: null);
            case YaqlBinary binary:
                return Checked(Binary(binary, scope));
            case YaqlUnary unary:
                return Checked(YaqlOperators.Unary(unary.Operator, Eval(unary.Operand, scope)));
            case YaqlIndex index:
                return Checked(YaqlOperators.Index(this, Eval(index.Target, scope), index.Arguments, scope));
            case YaqlList list:
                return Checked(list.Items.Select(item => Eval(item, scope)).ToArray());
            case YaqlMap map:
                return Checked(YaqlOperators.BuildMap(this, map.Items, scope));
            case YaqlMappingRule:
                throw new YaqlEvaluationException("'=>' may only name an argument of a function");
            case YaqlNoValue:
                throw new YaqlEvaluationException("an empty argument is not allowed here");
            default:
                throw new InvalidOperationException(node.GetType().Name);
        }
    }

    private object? Binary(YaqlBinary binary, YaqlScope scope)
    {
        switch (binary.Operator)
        {
            case ".":
                return Dot(Eval(binary.Left, scope), binary.Right, scope);
            case "?.":
                var receiver = Eval(binary.Left, scope);
                return receiver is null ? null : Dot(receiver, binary.Right, scope);
            case "and":
                var left = Eval(binary.Left, scope);
                return YaqlOperators.Truthy(left) ? Eval(binary.Right, scope) : left;
            case "or":
                var first = Eval(binary.Left, scope);
                return YaqlOperators.Truthy(first) ? first : Eval(binary.Right, scope);
            case "->":
                return Eval(binary.Left, scope) is YaqlScope context
                    ? Eval(binary.Right, context)
                    : throw new YaqlEvaluationException("the left side of '->' must be a context (let(...), with(...))");
            default:
                return YaqlOperators.Binary(binary.Operator, Eval(binary.Left, scope), Eval(binary.Right, scope));
        }
    }

    /// <summary><c>receiver.right</c>: a method call, a key of a map (missing keys fail), a key of each item, or a property.</summary>
    internal object? Dot(object? receiver, YaqlNode right, YaqlScope scope)
    {
        switch (right)
        {
            case YaqlCall call:
                return Invoke(call.Name, call.Arguments, scope, hasReceiver: true, receiver);
            case YaqlKeyword keyword:
                return Checked(Attribute(receiver, keyword.Name));
            default:
                var child = new YaqlScope(scope) { ["$"] = receiver };
                return Eval(right, child);
        }
    }

    private object? Attribute(object? receiver, string name)
    {
        switch (receiver)
        {
            case YaqlDict dict:
                return dict.TryGet(name, out var value)
                    ? value
                    : throw new YaqlEvaluationException($"the map has no key '{name}' (use $.get('{name}') for an optional key)");
            case object?[] or YaqlSet or YaqlLazy:
                var items = YaqlIterables.Limit((IEnumerable<object?>)receiver, Limits);
                return new YaqlLazy(items.Select(item => Attribute(item, name)));
            default:
                return YaqlDateTime.Property(receiver, name)
                    ?? throw new YaqlEvaluationException($"a {YaqlText.TypeName(receiver)} has no property '{name}'");
        }
    }

    internal object? Invoke(string name, ImmutableArray<YaqlNode> arguments, YaqlScope scope, bool hasReceiver, object? receiver)
    {
        if (!YaqlLibrary.Functions.TryGetValue(name, out var function))
        {
            throw new YaqlEvaluationException(hasReceiver
                ? $"unknown yaql method '{name}' (called on a {YaqlText.TypeName(receiver)}); yaql names are camelCase"
                : $"unknown yaql function '{name}()'; yaql names are camelCase");
        }

        if (hasReceiver && function.Kind == YaqlFunctionKind.Function)
        {
            throw new YaqlEvaluationException($"'{name}' is a function, not a method: write {name}(...), not x.{name}(...)");
        }

        if (!hasReceiver && function.Kind == YaqlFunctionKind.Method)
        {
            throw new YaqlEvaluationException($"'{name}' is a method only: write x.{name}(...), not {name}(x, ...)");
        }

        var site = new YaqlCallSite(this, scope, function, arguments, hasReceiver, receiver);
        return Checked(function.Body(site));
    }

    /// <summary>Heat's memory quota, checked on every intermediate result as yaql does.</summary>
    internal object? Checked(object? result)
    {
        if (Limits.MemoryQuota > 0 && result is string or object?[] or YaqlDict or YaqlSet && YaqlData.SizeOf(result) > Limits.MemoryQuota)
        {
            throw new YaqlEvaluationException(
                $"the expression uses more memory than the yaql quota of {Limits.MemoryQuota} bytes ([yaql] memory_quota)");
        }

        return result;
    }
}
