using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Functions;

/// <summary>The CloudFormation-style functions that HOT 2013-05-23 still accepts (Fn::Select also in 2014-10-16).</summary>
internal static partial class CfnFunctions
{
    /// <summary><c>Ref</c> and <c>Fn::GetAZs</c> need a CloudFormation parameter/availability-zone model that Hearth does not have.</summary>
    public static Expression Unsupported(FunctionCall call) => throw new TemplateException(call.Span, DiagnosticCodes.FunctionNotInVersion,
        $"the CloudFormation function \"{call.Name}\" is not supported by Hearth; use {FunctionCatalog.ReplacementHint(call.Name)}");

    public static IReadOnlyList<Expression> Arguments(FunctionExpression function, Expression arguments, int count, string form) =>
        FunctionArguments.AsList(arguments) is { } items && items.Count == count
            ? items
            : throw new TemplateException(function.Span, DiagnosticCodes.FunctionArguments, $"Arguments to \"{function.Name}\" must be of the form: {form}");

    [GeneratedRegex(@"^\.member\.([0-9]+)\.(.*)$", RegexOptions.Singleline)]
    public static partial Regex MemberKey();
}

/// <summary><c>Fn::Select: [index, collection]</c>: an item of a list (or of a JSON string), a key of a map; '' when absent.</summary>
internal sealed class CfnSelectFunction : FunctionExpression
{
    private readonly IReadOnlyList<Expression> _args;

    public CfnSelectFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments) => _args = CfnFunctions.Arguments(this, call.Arguments, 2, "[index, collection]");

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_args[0], context, out var index) || !TryEvaluateKnown(_args[1], context, out var collection))
        {
            return Unknown.Value;
        }

        if (collection is "")
        {
            return "";
        }

        if (collection is string json)
        {
            try
            {
                collection = JsonValue(JsonDocument.Parse(json).RootElement);
            }
            catch (JsonException e)
            {
                throw Error($"\"{Name}\" {e.Message}");
            }
        }

        switch (collection)
        {
            case IReadOnlyDictionary<string, object?> map:
                return index is string key ? map.GetValueOrDefault(key, "") : throw Error($"Index to \"{Name}\" must be a string");
            case IReadOnlyList<object?> list:
                if (FunctionArguments.ToPythonInt(index is double ? null : index) is not { } position)
                {
                    throw Error($"Index to \"{Name}\" must be an integer");
                }

                return FunctionArguments.TryIndex(list.Count, position, out var at) ? list[at] : "";
            case null:
                return "";
            default:
                throw Error($"Arguments to \"{Name}\" not fully resolved");
        }
    }

    private static object? JsonValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(Value.NewMap(), (map, p) =>
        {
            map[p.Name] = JsonValue(p.Value);
            return map;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(JsonValue).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

/// <summary><c>Fn::Join: [delimiter, [strings]]</c>.</summary>
internal sealed class CfnJoinFunction : FunctionExpression
{
    private readonly IReadOnlyList<Expression> _args;

    public CfnJoinFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments) => _args = CfnFunctions.Arguments(this, call.Arguments, 2, "[delimiter, [list]]");

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_args[0], context, out var delimiter) || !TryEvaluateKnown(_args[1], context, out var strings))
        {
            return Unknown.Value;
        }

        strings ??= new List<object?>();
        if (strings is not IReadOnlyList<object?> list)
        {
            throw Error($"\"{Name}\" must operate on a list");
        }

        if (delimiter is not string separator)
        {
            throw Error($"\"{Name}\" delimiter must be a string");
        }

        return string.Join(separator, list.Select(item => item switch
        {
            null => "",
            string s => s,
            _ => throw Error($"Items to join must be strings not {FunctionArguments.ShortRepr(item)}"),
        }));
    }
}

/// <summary><c>Fn::Split: [delimiter, string]</c>.</summary>
internal sealed class CfnSplitFunction : FunctionExpression
{
    private readonly IReadOnlyList<Expression> _args;

    public CfnSplitFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments) => _args = CfnFunctions.Arguments(this, call.Arguments, 2, "[delimiter, string]");

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_args[0], context, out var delimiter) || !TryEvaluateKnown(_args[1], context, out var text))
        {
            return Unknown.Value;
        }

        if (delimiter is not string { Length: > 0 } separator || text is not string value)
        {
            throw Error($"Arguments to \"{Name}\" must be a non-empty delimiter string and a string");
        }

        return value.Split(separator).Cast<object?>().ToList();
    }
}

/// <summary><c>Fn::Replace: [{key: value}, string]</c>: str_replace with its arguments in CloudFormation order.</summary>
internal sealed class CfnReplaceFunction : FunctionExpression
{
    private readonly FunctionExpression _replace;

    public CfnReplaceFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var args = CfnFunctions.Arguments(this, call.Arguments, 2, "[{placeholder: value}, template]");
        var map = new MapExpression(call.Span, [
            new MapExpressionEntry("template", call.Span, args[1]),
            new MapExpressionEntry("params", call.Span, args[0]),
        ]);
        _replace = new StrReplaceFunction(call with { Arguments = map });
    }

    public override IEnumerable<Expression> Children => _replace.Children;

    public override object? Evaluate(EvaluationContext context) => _replace.Evaluate(context);
}

/// <summary><c>Fn::Base64: string</c>: the string itself (Heat never encodes it).</summary>
internal sealed class CfnBase64Function(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var value))
        {
            return Unknown.Value;
        }

        return value as string ?? throw Error($"Arguments to \"{Name}\" not fully resolved: expected a string, not {Value.TypeName(value)}");
    }
}

/// <summary><c>Fn::MemberListToMap: [key_name, value_name, [".member.0.Name=k", ".member.0.Value=v", …]]</c>.</summary>
internal sealed class CfnMemberListToMapFunction : FunctionExpression
{
    private readonly IReadOnlyList<Expression> _args;

    public CfnMemberListToMapFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments) => _args = CfnFunctions.Arguments(this, call.Arguments, 3, "[key_name, value_name, list]");

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_args[0], context, out var keyName) || !TryEvaluateKnown(_args[1], context, out var valueName)
            || !TryEvaluateKnown(_args[2], context, out var members))
        {
            return Unknown.Value;
        }

        if (members is not IReadOnlyList<object?> list)
        {
            throw Error("Member list must be a list");
        }

        var partials = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in list)
        {
            if (member is not string text)
            {
                throw Error("Member list items must be strings");
            }

            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw Error($"Member list item \"{text}\" must be of the form name=value");
            }

            partials[text[..equals]] = text[(equals + 1)..];
        }

        var groups = new SortedDictionary<long, Dictionary<string, string>>();
        foreach (var (name, value) in partials)
        {
            var match = CfnFunctions.MemberKey().Match(name);
            if (match.Success && long.TryParse(match.Groups[1].Value, out var index))
            {
                if (!groups.TryGetValue(index, out var group))
                {
                    groups[index] = group = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                group[match.Groups[2].Value] = value;
            }
        }

        var result = Value.NewMap();
        foreach (var group in groups.Values)
        {
            if (keyName is string k && valueName is string v && group.TryGetValue(k, out var key) && group.TryGetValue(v, out var value))
            {
                result[key] = value;
            }
        }

        return result;
    }
}
