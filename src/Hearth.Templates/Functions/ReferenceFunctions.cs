using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Values;

namespace Hearth.Templates.Functions;

/// <summary>
/// <c>get_param: name</c> or <c>get_param: [name, key_or_index, …]</c>. A path step that does not fit gives <c>''</c>,
/// never an error; a string step into a list is converted with <c>int()</c> (Heat's GetParam).
/// </summary>
internal sealed class GetParamFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    /// <summary>The parameter's name when written literally (<c>get_param: name</c> or <c>[name, …]</c>), else null.</summary>
    public string? ParameterName => FunctionArguments.LiteralOr(Arguments, null) as string
        ?? (FunctionArguments.AsList(Arguments) is [var first, ..] ? FunctionArguments.LiteralOr(first, null) as string : null);

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var arguments))
        {
            return Unknown.Value;
        }

        if (!FunctionArguments.IsTruthy(arguments))
        {
            throw Error($"Function \"{Name}\" must have arguments: a parameter name, or a list [name, key_or_index, …]");
        }

        string? name;
        IReadOnlyList<object?> path;
        switch (arguments)
        {
            case string text:
                name = text;
                path = [];
                break;
            case IReadOnlyList<object?> list:
                name = list[0] as string;
                path = [.. list.Skip(1)];
                if (name is null)
                {
                    throw Error($"Parameter name in \"{Name}\" must be a string, not {Value.TypeName(list[0])}");
                }

                break;
            default:
                throw Error($"Argument to \"{Name}\" must be a string or a list, not {Value.TypeName(arguments)}");
        }

        var parameter = context.GetParameter(name, Span);
        if (parameter is Unknown)
        {
            // A parameter with no value yet (validate, preview): whatever the path selects is known only then.
            return Unknown.Value;
        }

        return AttributePath.TrySelect(parameter, path, convertStringIndexes: true, out var selected) ? selected : "";
    }
}

/// <summary><c>get_resource: name</c>: the reference id of a resource (its physical id, or its name before creation).</summary>
internal sealed class GetResourceFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments), IResourceReference
{
    public string? ResourceName => FunctionArguments.LiteralOr(Arguments, null) as string;

    public Expression ResourceNameExpression => Arguments;

    public string? AttributeName => null;

    public bool IsAttributeReference => false;

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var name))
        {
            return Unknown.Value;
        }

        if (name is not string resourceName)
        {
            throw Error($"Argument to \"{Name}\" must be a resource name (a string), not {Value.TypeName(name)}");
        }

        return context.GetResourceReference(resourceName, Span);
    }
}

/// <summary>
/// <c>get_attr: [resource, attribute, path…]</c>, and from 2015-10-15 <c>get_attr: [resource]</c> for every attribute.
/// 2013-05-23 fetches the attribute and then selects the path (Heat's GetAttThenSelect); later versions pass the
/// path to the resource, which matters for groups that build per-path values.
/// </summary>
internal sealed class GetAttrFunction : FunctionExpression, IResourceReference
{
    private readonly Expression? _attribute;
    private readonly IReadOnlyList<Expression> _path;
    private readonly bool _selectAfterFetch;

    public GetAttrFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        var allowAllAttributes = call.Version.AtLeast(Versions.TemplateVersion.V2015_10_15);
        _selectAfterFetch = !call.Version.AtLeast(Versions.TemplateVersion.V2014_10_16);
        var items = FunctionArguments.AsList(call.Arguments);
        if (allowAllAttributes && items is { Count: 0 } || allowAllAttributes && call.Arguments is LiteralExpression { Value: null or "" })
        {
            throw Error($"Arguments to \"{Name}\" can be of the next forms: [resource_name] or [resource_name, attribute, (path), ...]");
        }

        if (items is null)
        {
            throw Error($"Argument to \"{Name}\" must be a list: [resource_name, attribute, (path), ...]");
        }

        if (items.Count < 2 && !allowAllAttributes)
        {
            throw Error($"Arguments to \"{Name}\" must be of the form [resource_name, attribute, (path), ...]");
        }

        ResourceNameExpression = items[0];
        _attribute = items.Count > 1 ? items[1] : null;
        _path = [.. items.Skip(2)];
    }

    public string? ResourceName => FunctionArguments.LiteralOr(ResourceNameExpression, null) as string;

    public Expression ResourceNameExpression { get; }

    /// <summary>The attribute name when written literally; null for the all-attributes form or a computed name.</summary>
    public string? AttributeName => _attribute is null ? null : FunctionArguments.LiteralOr(_attribute, null) as string;

    /// <summary>True for <c>get_attr: [resource]</c> (a map of every attribute).</summary>
    public bool IsAllAttributes => _attribute is null;

    /// <summary>True when a path selects inside the attribute (<c>get_attr: [resource, attribute, key…]</c>).</summary>
    public bool HasPath => _path.Count > 0;

    public bool IsAttributeReference => true;

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(ResourceNameExpression, context, out var name))
        {
            return Unknown.Value;
        }

        if (name is not string resourceName)
        {
            throw Error($"The resource name in \"{Name}\" must be a string, not {Value.TypeName(name)}");
        }

        if (_attribute is null)
        {
            return context.GetAllAttributes(resourceName, Span);
        }

        if (!TryEvaluateKnown(_attribute, context, out var attribute))
        {
            return Unknown.Value;
        }

        if (attribute is not string attributeName)
        {
            throw Error($"The attribute name in \"{Name}\" must be a string, not {Value.TypeName(attribute)}");
        }

        var path = new List<object?>(_path.Count);
        foreach (var step in _path)
        {
            if (!TryEvaluateKnown(step, context, out var value))
            {
                return Unknown.Value;
            }

            path.Add(value);
        }

        if (!_selectAfterFetch)
        {
            return context.GetAttribute(resourceName, attributeName, path, Span);
        }

        var whole = context.GetAttribute(resourceName, attributeName, [], Span);
        return whole is Unknown ? whole : AttributePath.Select(whole, path);
    }
}

/// <summary><c>get_file: key</c>: the content of a file of the stack's <c>files</c>, verbatim (never parsed).</summary>
internal sealed class GetFileFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    /// <summary>The file key when written literally (clients collect files from static keys only).</summary>
    public string? Key => FunctionArguments.LiteralOr(Arguments, null) as string;

    public override object? Evaluate(EvaluationContext context)
    {
        if (!TryEvaluateKnown(Arguments, context, out var key))
        {
            return Unknown.Value;
        }

        if (key is not string fileKey)
        {
            throw Error($"Argument to \"{Name}\" must be a string (a file path or URL), not {Value.TypeName(key)}");
        }

        return context.GetFile(fileKey, Span);
    }
}

/// <summary><c>resource_facade: metadata | deletion_policy | update_policy</c>, inside a template used as a resource type.</summary>
internal sealed class ResourceFacadeFunction : FunctionExpression
{
    private static readonly string[] _kinds = ["metadata", "deletion_policy", "update_policy"];

    public ResourceFacadeFunction(FunctionCall call)
        : base(call.Span, call.Name, call.Arguments)
    {
        if (FunctionArguments.LiteralOr(call.Arguments, null) is not string kind || !_kinds.Contains(kind))
        {
            throw Error($"Incorrect arguments to \"{Name}\" should be one of: {string.Join(", ", _kinds)}");
        }

        Kind = kind;
    }

    public string Kind { get; }

    public override object? Evaluate(EvaluationContext context) => context.GetResourceFacade(Kind, Span);
}

/// <summary>A CloudFormation-style function that this HOT version no longer has (Heat's Removed): refused at validation.</summary>
internal sealed class RemovedFunction(FunctionCall call) : FunctionExpression(call.Span, call.Name, call.Arguments)
{
    private TemplateException Refusal() => Error(
        $"the function \"{Name}\" is not supported in HOT version {call.Version.Date}; use the HOT equivalent ({FunctionCatalog.ReplacementHint(Name)})",
        DiagnosticCodes.FunctionRemoved);

    public override void Validate(ValidationContext context) => context.Report(Refusal());

    public override object? Evaluate(EvaluationContext context) => throw Refusal();
}
