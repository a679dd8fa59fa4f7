using System.Collections.Immutable;
using System.Numerics;

namespace Hearth.Templates.Yaql;

internal enum YaqlFunctionKind
{
    /// <summary><c>f(x)</c> only.</summary>
    Function,

    /// <summary><c>x.f()</c> only.</summary>
    Method,

    /// <summary>Both (yaql's extension methods).</summary>
    Both,
}

/// <summary>
/// A standard-library function: its kind, its parameter names (camelCase, the receiver first for methods) so that
/// named arguments find their place, and its body. <see cref="NoKwargs"/> functions take <c>a =&gt; b</c> as rules.
/// </summary>
internal sealed record YaqlFunction(string Name, YaqlFunctionKind Kind, string[] Parameters, Func<YaqlCallSite, object?> Body, bool NoKwargs = false, bool AnyKwargs = false);

/// <summary>
/// One call: arguments are evaluated only when the body asks (lambdas such as <c>where</c>'s predicate are evaluated
/// per item, with <c>$</c>, <c>$1</c>, <c>$2</c> set to the item(s)).
/// </summary>
internal sealed class YaqlCallSite
{
    private readonly YaqlEvaluator _evaluator;
    private readonly YaqlScope _scope;
    private readonly List<(YaqlNode? Node, object? Value, bool Known)> _slots = [];
    private readonly Dictionary<string, YaqlNode> _extraNamed = new(StringComparer.Ordinal);

    public YaqlCallSite(YaqlEvaluator evaluator, YaqlScope scope, YaqlFunction function, ImmutableArray<YaqlNode> arguments, bool hasReceiver, object? receiver)
    {
        _evaluator = evaluator;
        _scope = scope;
        Function = function;
        HasReceiver = hasReceiver;
        if (hasReceiver)
        {
            _slots.Add((null, receiver, true));
        }

        foreach (var argument in arguments)
        {
            if (argument is YaqlMappingRule rule && !function.NoKwargs)
            {
                if (rule.Source is not YaqlKeyword keyword)
                {
                    throw new YaqlEvaluationException($"{function.Name}(): the name left of '=>' must be a bare word");
                }

                var index = Array.IndexOf(function.Parameters, keyword.Name);
                if (index < 0)
                {
                    if (!function.AnyKwargs)
                    {
                        throw NoMatch();
                    }

                    _extraNamed[keyword.Name] = rule.Destination;
                    continue;
                }

                while (_slots.Count <= index)
                {
                    _slots.Add((new YaqlNoValue(0), null, false));
                }

                if (_slots[index].Node is not YaqlNoValue)
                {
                    throw NoMatch();
                }

                _slots[index] = (rule.Destination, null, false);
                continue;
            }

            _slots.Add((argument, null, false));
        }

        while (_slots.Count > 0 && _slots[^1].Node is YaqlNoValue)
        {
            _slots.RemoveAt(_slots.Count - 1);
        }
    }

    public YaqlFunction Function { get; }

    public bool HasReceiver { get; }

    public YaqlEvaluator Evaluator => _evaluator;

    public YaqlLimits Limits => _evaluator.Limits;

    public int Count => _slots.Count;

    public bool Has(int index) => index < _slots.Count && _slots[index].Node is not YaqlNoValue;

    public YaqlNode? Node(int index) => index < _slots.Count ? _slots[index].Node : null;

    public object? Value(int index)
    {
        if (!Has(index))
        {
            throw NoMatch();
        }

        var slot = _slots[index];
        if (!slot.Known)
        {
            slot = (slot.Node, _evaluator.Eval(slot.Node!, _scope), true);
            _slots[index] = slot;
        }

        return slot.Value;
    }

    public object? ValueOr(int index, object? fallback) => Has(index) ? Value(index) : fallback;

    public IEnumerable<object?> Rest(int from)
    {
        for (var i = from; i < Count; i++)
        {
            yield return Value(i);
        }
    }

    public IReadOnlyDictionary<string, object?> ExtraNamed() =>
        _extraNamed.ToDictionary(kv => kv.Key, kv => _evaluator.Eval(kv.Value, _scope), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, YaqlNode> ExtraNamedNodes => _extraNamed;

    /// <summary>The argument as a function of its <c>$1</c>, <c>$2</c>, … (a yaql lambda).</summary>
    public Func<object?[], object?> Lambda(int index)
    {
        if (!Has(index))
        {
            throw NoMatch();
        }

        if (_slots[index].Known)
        {
            var constant = _slots[index].Value;
            return _ => constant;
        }

        var node = _slots[index].Node!;
        return args => _evaluator.Eval(node, Bind(args));
    }

    public Func<object?, object?> Lambda1(int index)
    {
        var lambda = Lambda(index);
        return item => lambda([item]);
    }

    public YaqlScope Bind(object?[] args)
    {
        var child = new YaqlScope(_scope);
        for (var i = 0; i < args.Length; i++)
        {
            child["$" + (i + 1)] = args[i];
        }

        return child;
    }

    public YaqlScope NewScope() => new(_scope);

    public object? EvalIn(YaqlNode node, YaqlScope scope) => _evaluator.Eval(node, scope);

    public IEnumerable<object?> Iterable(int index)
    {
        var value = Value(index);
        return YaqlIterables.IsIterable(value) ? YaqlIterables.Limit((IEnumerable<object?>)value!, Limits) : throw NoMatch();
    }

    public string String(int index) => Value(index) as string ?? throw NoMatch();

    public string? NullableString(int index) => Value(index) switch
    {
        null => null,
        string s => s,
        _ => throw NoMatch(),
    };

    public long Int(int index) => Value(index) switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big => (long)big,
        _ => throw NoMatch(),
    };

    public long IntOr(int index, long fallback) => Has(index) ? Int(index) : fallback;

    public YaqlDict Dict(int index) => Value(index) as YaqlDict ?? throw NoMatch();

    public YaqlEvaluationException NoMatch()
    {
        var types = string.Join(", ", _slots.Select(s => s.Known ? YaqlText.TypeName(s.Value) : "…"));
        return new YaqlEvaluationException($"no form of yaql '{Function.Name}' accepts these arguments ({types})");
    }
}
