using System.Text;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>str_replace</c>, <c>str_replace_strict</c> and <c>str_replace_vstrict</c>: <c>{template: string, params: {key: value}}</c>.
/// Keys are applied longest first (ties in ordinal order) in a single pass: the template is split on a key, the pieces
/// are processed with the remaining keys and joined with the value, so inserted values are never scanned again.
/// Values are rendered with Python's <c>str()</c>; maps and lists as JSON from 2015-10-15 (before, they are refused).
/// </summary>
internal sealed class StrReplaceFunction : FunctionExpression
{
    private readonly Expression _template;
    private readonly Expression _params;
    private readonly bool _json;
    private readonly bool _strict;
    private readonly bool _allowEmpty;

    public StrReplaceFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        _strict = call.Name is "str_replace_strict" or "str_replace_vstrict";
        _allowEmpty = call.Name != "str_replace_vstrict";
        _json = _strict || call.Version.AtLeast(TemplateVersion.V2015_10_15);

        var entries = FunctionArguments.AsMap(call.Arguments)
            ?? throw Error($"Arguments to \"{Name}\" must be a map: {{template: <string>, params: {{<key>: <value>}}}}");
        var template = FunctionArguments.Find(entries, "template");
        var parameters = FunctionArguments.Find(entries, "params");
        if (template is null || parameters is null)
        {
            throw Error($"\"{Name}\" syntax should be {{template: <string>, params: {{<key>: <value>}}}}; "
                + $"missing \"{(template is null ? "template" : "params")}\"");
        }

        if (FunctionArguments.AsMap(parameters) is null && !FunctionArguments.IsComputed(parameters))
        {
            throw Error($"\"{Name}\" parameters must be a mapping, not {Value.TypeName(FunctionArguments.LiteralOr(parameters, null))}");
        }

        _template = template;
        _params = parameters;
    }

    public override IEnumerable<Expression> Children => [_template, _params];

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(_template, context, out var template) || !TryEvaluateKnown(_params, context, out var parameters))
        {
            return Unknown.Value;
        }

        if (template is not string text)
        {
            throw Error($"\"{Name}\" template must be a string, not {Value.TypeName(template)}");
        }

        if (parameters is not IReadOnlyDictionary<string, object?> mapping)
        {
            throw Error($"\"{Name}\" params must be a map, not {Value.TypeName(parameters)}");
        }

        if (mapping.ContainsKey(""))
        {
            throw Error($"\"{Name}\" param keys must not be empty strings");
        }

        var keys = mapping.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var values = keys.Select(k => Render(mapping[k], k)).ToList();
        var unreplaced = new HashSet<string>(keys, StringComparer.Ordinal);
        var result = Replace(text, keys, values, 0, unreplaced);
        if (_strict && unreplaced.Count > 0)
        {
            var missing = unreplaced.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal);
            throw Error($"The following params were not found in the template: {string.Join(",", missing)}");
        }

        return result;
    }

    private static string Replace(string text, List<string> keys, List<string> values, int index, HashSet<string> unreplaced)
    {
        if (index == keys.Count)
        {
            return text;
        }

        var key = keys[index];
        var pieces = text.Split(key);
        if (pieces.Length > 1)
        {
            unreplaced.Remove(key);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < pieces.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(values[index]);
            }

            sb.Append(Replace(pieces[i], keys, values, index + 1, unreplaced));
        }

        return sb.ToString();
    }

    private string Render(object? value, string key)
    {
        switch (value)
        {
            case null:
                return _allowEmpty ? "" : throw EmptyValue(key);
            case string or long or int or double or bool:
                var text = Value.ToPythonString(value);
                return text.Length == 0 && !_allowEmpty ? throw EmptyValue(key) : text;
            case IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> when _json:
                if (!_allowEmpty && (value is IReadOnlyList<object?> { Count: 0 } || value is IReadOnlyDictionary<string, object?> { Count: 0 }))
                {
                    throw EmptyValue(key);
                }

                return Value.ToPythonJson(value);
            default:
                throw Error(_json
                    ? $"\"{Name}\" params must be strings, numbers, list or map; param {key} is {Value.TypeName(value)}"
                    : $"\"{Name}\" params must be strings or numbers, param {key} is not valid (a {Value.TypeName(value)}; "
                        + "maps and lists are JSON-encoded only from heat_template_version 2015-10-15)");
        }
    }

    private Diagnostics.TemplateException EmptyValue(string key) =>
        Error($"{Name} has an undefined or empty value for param {key}, must be a defined non-empty value");
}
