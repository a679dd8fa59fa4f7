using System.Collections.Frozen;

namespace Hearth.Templates.Yaql;

/// <summary>
/// The standard library Heat registers (yaql.create_context: system, common, boolean, strings, math, collections with
/// sets, queries, regex, branching, date_time), under the camelCase names only; delegates (<c>lambda</c>, <c>#call</c>) are off.
/// </summary>
internal static partial class YaqlLibrary
{
    public static FrozenDictionary<string, YaqlFunction> Functions { get; } = Build();

    private static FrozenDictionary<string, YaqlFunction> Build()
    {
        var table = new Dictionary<string, YaqlFunction>(StringComparer.Ordinal);
        void Add(string name, YaqlFunctionKind kind, string[] parameters, Func<YaqlCallSite, object?> body, bool noKwargs = false, bool anyKwargs = false) =>
            table.Add(name, new YaqlFunction(name, kind, parameters, body, noKwargs, anyKwargs));
        RegisterSystem(Add);
        RegisterQueries(Add);
        RegisterCollections(Add);
        RegisterStrings(Add);
        RegisterMath(Add);
        RegisterRegex(Add);
        YaqlDateTime.Register(Add);
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal delegate void Registrar(string name, YaqlFunctionKind kind, string[] parameters, Func<YaqlCallSite, object?> body, bool noKwargs = false, bool anyKwargs = false);

    private const YaqlFunctionKind F = YaqlFunctionKind.Function;
    private const YaqlFunctionKind M = YaqlFunctionKind.Method;
    private const YaqlFunctionKind B = YaqlFunctionKind.Both;

    private static YaqlEvaluationException Fail(string message) => new(message);

    private static void RegisterSystem(Registrar add)
    {
        add("let", F, [], site =>
        {
            var scope = site.NewScope();
            for (var i = 0; i < site.Count; i++)
            {
                scope["$" + (i + 1)] = site.Value(i);
            }

            foreach (var (name, value) in site.ExtraNamed())
            {
                scope["$" + name] = value;
            }

            return scope;
        }, anyKwargs: true);
        add("with", F, [], site =>
        {
            var scope = site.NewScope();
            for (var i = 0; i < site.Count; i++)
            {
                scope["$" + (i + 1)] = site.Value(i);
            }

            return scope;
        });
        add("assert", M, ["obj", "condition", "message"], site =>
        {
            var value = site.Value(0);
            return YaqlOperators.Truthy(site.Lambda1(1)(value))
                ? value
                : throw Fail("assert() failed: " + (site.Has(2) ? site.String(2) : "Assertion failed"));
        });
        add("call", F, ["name", "args", "kwargs"], site => throw Fail("call() of a function by name is not supported by Hearth"));

        // boolean
        add("bool", F, ["value"], site => YaqlOperators.Truthy(site.Value(0)));
        add("isBoolean", F, ["value"], site => site.Value(0) is bool);

        // branching: every argument is evaluated only when reached.
        add("switch", F, [], site =>
        {
            for (var i = 0; i < site.Count; i++)
            {
                if (site.Node(i) is not YaqlMappingRule rule)
                {
                    throw Fail("switch() takes only condition => value pairs (the legacy switch(value, ...) form is not yaql 2.0)");
                }

                var scope = site.NewScope();
                if (YaqlOperators.Truthy(site.EvalIn(rule.Source, scope)))
                {
                    return site.EvalIn(rule.Destination, scope);
                }
            }

            return null;
        }, noKwargs: true);
        add("selectCase", F, [], site =>
        {
            var index = 0;
            for (; index < site.Count; index++)
            {
                if (YaqlOperators.Truthy(site.Value(index)))
                {
                    break;
                }
            }

            return (long)index;
        });
        add("selectAllCases", F, [], site => new YaqlLazy(Enumerable.Range(0, site.Count)
            .Where(i => YaqlOperators.Truthy(site.Value(i))).Select(i => (object?)(long)i)));
        add("examine", F, [], site => new YaqlLazy(Enumerable.Range(0, site.Count).Select(i => (object?)YaqlOperators.Truthy(site.Value(i)))));
        add("switchCase", M, ["case"], site =>
        {
            var count = site.Count - 1;
            var index = site.Int(0);
            return count == 0 ? null : site.Value(index >= 0 && index < count ? (int)index + 1 : count);
        });
        add("coalesce", F, [], site =>
        {
            for (var i = 0; i < site.Count; i++)
            {
                if (site.Value(i) is { } value)
                {
                    return value;
                }
            }

            return null;
        });
    }
}
