using System.Globalization;
using System.Text.Json.Nodes;
using Hearth.Templates.Conditions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Tests.Conformance;

/// <summary>
/// The stack around a conformance case: parameter values (user values, then parameter_defaults, then the template's
/// defaults, with minimal type coercion), pseudo-parameters, resources (created with the fixture attributes of Heat's
/// test resource types, or not created: get_attr gives null), files and conditions.
/// </summary>
internal sealed class ConformanceContext : EvaluationContext
{
    private readonly Dictionary<string, object?> _parameters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _attributes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly bool _created;

    // OS::Heat::Value resources (test_value.py): once created, their 'value' attribute is their resolved 'value' property.
    private readonly Dictionary<string, JsonNode> _values = new(StringComparer.Ordinal);

    public ConformanceContext(ConformanceCase testCase, TemplateVersion version, ConditionSet conditions, bool created,
        IReadOnlyDictionary<string, object?>? parameterOverrides = null)
    {
        Version = version;
        _created = created;
        Conditions = conditions.CreateResolver(this);
        var raw = testCase.Raw;
        var user = ConformanceCorpus.ToValue(raw["params"]) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var defaults = ConformanceCorpus.ToValue(raw["param_defaults"]) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        if (ConformanceCorpus.ToValue(raw["parameters"]) is IReadOnlyDictionary<string, object?> schema)
        {
            foreach (var (name, definition) in schema)
            {
                var declaration = definition as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
                var value = parameterOverrides?.GetValueOrDefault(name) ?? user.GetValueOrDefault(name) ?? defaults.GetValueOrDefault(name)
                    ?? declaration.GetValueOrDefault("default");
                var hasValue = parameterOverrides?.ContainsKey(name) == true || user.ContainsKey(name) || defaults.ContainsKey(name)
                    || declaration.ContainsKey("default");
                if (!hasValue)
                {
                    _missing.Add(name);
                    continue;
                }

                _parameters[name] = Coerce(declaration.GetValueOrDefault("type") as string ?? "string", value);
            }
        }

        var stack = raw["stack"] as JsonObject;
        _parameters["OS::stack_name"] = (string?)stack?["name"] ?? "test_stack";
        _parameters["OS::stack_id"] = (string?)stack?["id"] ?? "00000000-0000-0000-0000-000000000000";
        _parameters["OS::project_id"] = (string?)stack?["project_id"] ?? "test_project";

        if (raw["resources"] is JsonObject resources)
        {
            foreach (var (name, definition) in resources)
            {
                _resources.Add(name);
                if ((string?)definition?["type"] == "OS::Heat::Value" && definition["properties"]?["value"] is { } valueNode)
                {
                    _values[name] = valueNode;
                }
            }
        }

        if (ConformanceCorpus.ToValue(raw["attributes"]) is IReadOnlyDictionary<string, object?> attributes)
        {
            foreach (var (resource, values) in attributes)
            {
                var map = Value.NewMap();
                foreach (var (attribute, value) in values as IReadOnlyDictionary<string, object?> ?? Value.NewMap())
                {
                    map[attribute] = value is "<resource name>" ? resource : value;
                }

                _attributes[resource] = map;
            }
        }

        if (raw["files"] is JsonObject files)
        {
            foreach (var (key, content) in files)
            {
                _files[key] = (string?)content ?? "";
            }
        }
    }

    public override TemplateVersion Version { get; }

    public ConditionResolver Conditions { get; }

    public override object? GetParameter(string name, SourceSpan span)
    {
        if (_parameters.TryGetValue(name, out var value))
        {
            return value;
        }

        throw _missing.Contains(name)
            ? new TemplateException(span, DiagnosticCodes.ParameterMissing, $"The Parameter ({name}) was not provided.")
            : new TemplateException(span, DiagnosticCodes.UnknownParameterReference, $"The parameter \"{name}\" is not declared in the parameters section");
    }

    public override object? GetResourceReference(string resourceName, SourceSpan span)
    {
        CheckResource(resourceName, span);
        return resourceName;
    }

    public override object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span)
    {
        CheckResource(resourceName, span);
        if (attributeName == "value" && _values.TryGetValue(resourceName, out var valueNode))
        {
            var parser = new ExpressionParser(Version, new DiagnosticBag());
            return AttributePath.Select(parser.Parse(Syntax(valueNode, resourceName) ?? throw new InvalidOperationException()).Evaluate(this), path);
        }

        if (!_created || !_attributes.TryGetValue(resourceName, out var attributes))
        {
            return null;
        }

        return AttributePath.Select(attributes.GetValueOrDefault(attributeName), path);
    }

    public override object? GetAllAttributes(string resourceName, SourceSpan span)
    {
        CheckResource(resourceName, span);
        return _created ? _attributes.GetValueOrDefault(resourceName) ?? Value.NewMap() : null;
    }

    public override string GetFile(string key, SourceSpan span) =>
        _files.TryGetValue(key, out var content)
            ? content
            : throw new TemplateException(span, DiagnosticCodes.FileNotInFiles, $"No content found in the \"files\" section for get_file path: {key}");

    public override bool GetCondition(string name, SourceSpan span) => Conditions.IsEnabled(name, span);

    private void CheckResource(string name, SourceSpan span)
    {
        if (!_resources.Contains(name))
        {
            throw new TemplateException(span, DiagnosticCodes.UnknownResourceReference, $"The specified reference \"{name}\" (in unknown) is incorrect.");
        }
    }

    /// <summary>Heat's parameter type coercion, kept minimal: the parameter resolver owns the full rules.</summary>
    private static object? Coerce(string type, object? value) => type switch
    {
        "number" => value switch
        {
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => value,
        },
        "boolean" => value switch
        {
            string s => s.ToLowerInvariant() is "t" or "true" or "on" or "y" or "yes" or "1",
            long l => l != 0,
            _ => value,
        },
        "comma_delimited_list" => value switch
        {
            "" => new List<object?>(),
            string s => s.Split(',').Cast<object?>().ToList(),
            IReadOnlyList<object?> list => list.Select(i => (object?)Value.ToPythonString(i)).ToList(),
            _ => value,
        },
        "json" => value is string json ? ConformanceCorpus.ToValue(JsonNode.Parse(json)) : value,
        _ => value is null ? null : Value.ToPythonString(value),
    };

    /// <summary>Reads a JSON value of a case as syntax (wrapped in a map so that scalars parse too).</summary>
    public static SyntaxNode? Syntax(JsonNode? node, string name)
    {
        var wrapper = new JsonObject { [name] = node?.DeepClone() };
        var (root, diagnostics) = YamlLoader.Load($"{name}.json", wrapper.ToJsonString());
        diagnostics.ShouldBeEmpty();
        return (root as MappingNode)?[name];
    }
}
