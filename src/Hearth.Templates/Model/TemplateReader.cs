using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Schema;
using Hearth.Templates.Syntax;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Model;

/// <summary>
/// Reads a HOT template: the version, the sections and their keys, with every structural problem reported as a
/// positioned diagnostic. Values are parsed into expressions for the template's version. Returns null only when
/// nothing usable could be read (a syntax error, no mapping, no valid version). It keeps nothing: a host reads through
/// its <see cref="TemplateCache"/> to reuse what it read lately.
/// </summary>
public static class TemplateReader
{
    public const string VersionKey = "heat_template_version";

    private static readonly string[] CfnVersionKeys = ["AWSTemplateFormatVersion", "HeatTemplateFormatVersion"];

    private static readonly string[] BaseSections = [VersionKey, "description", "parameter_groups", "parameters", "resources", "outputs"];

    private static readonly string[] BaseResourceKeys = ["type", "properties", "metadata", "depends_on", "deletion_policy", "update_policy", "description"];

    private static readonly string[] ConditionalResourceKeys = ["external_id", "condition"];

    /// <summary>Reads a template's text (every time: <see cref="TemplateCache"/> keeps what was read lately).</summary>
    /// <param name="file">The template's path, for spans and relative paths.</param>
    /// <param name="text">Its content.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="documents">Documents parsed by earlier processes: a text found there is not parsed again, and one parsed here is added.</param>
    public static Template? Read(string file, string text, DiagnosticBag diagnostics, IDocumentCache? documents = null) =>
        ReadUncached(file, text, diagnostics, documents).Template;

    /// <summary>The template, and the document it was read from when that parsed cleanly (to keep in a <see cref="IDocumentCache"/>).</summary>
    internal static (Template? Template, SyntaxNode? CleanRoot) ReadUncached(string file, string text, DiagnosticBag diagnostics, IDocumentCache? documents)
    {
        if (documents?.Find(file, text) is { } cached)
        {
            return (Read(cached, diagnostics), cached);
        }

        var (root, syntaxDiagnostics) = YamlLoader.Load(file, text);
        diagnostics.AddRange(syntaxDiagnostics);
        var cleanRoot = syntaxDiagnostics.IsEmpty ? root : null;
        if (cleanRoot is not null)
        {
            documents?.Add(text, cleanRoot);
        }

        if (root is null)
        {
            if (syntaxDiagnostics.IsEmpty)
            {
                diagnostics.Error(SourceSpan.WholeFile(file), DiagnosticCodes.NotAMapping,
                    $"the template is empty: a HOT template is a map that starts with '{VersionKey}: 2021-04-16'");
            }

            return (null, null);
        }

        return (Read(root, diagnostics), cleanRoot);
    }

    public static Template? Read(SyntaxNode root, DiagnosticBag diagnostics)
    {
        var file = root.Span.File;
        if (root is not MappingNode map)
        {
            diagnostics.Error(root.Span, DiagnosticCodes.NotAMapping,
                $"a template must be a YAML map (sections such as '{VersionKey}' and 'resources'), not a {Describe(root)}");
            return null;
        }

        var version = ReadVersion(map, diagnostics);
        if (version is null)
        {
            return null;
        }

        var allowedSections = version.SupportsConditions ? [.. BaseSections, "conditions"] : BaseSections;
        foreach (var entry in map.Entries)
        {
            if (!allowedSections.Contains(entry.Key) && !CfnVersionKeys.Contains(entry.Key))
            {
                var message = entry.Key == "conditions"
                    ? $"the 'conditions' section needs {VersionKey} 2016-10-14 (newton) or later; this template is {version}"
                    : $"'{entry.Key}' is not a template section{PropertyValidator.Hint(entry.Key, allowedSections)}; sections are {string.Join(", ", allowedSections)}";
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.UnknownSection, message);
            }
        }

        var parser = new ExpressionParser(version, diagnostics);
        var description = map["description"] switch
        {
            null => "No description",
            ScalarNode { Value: null } => "No description",
            ScalarNode { Value: string s } => s,
            ScalarNode scalar => Values.Value.ToPythonString(scalar.Value),
            var other => SectionTypeError(other, "description", "a string", diagnostics, "No description"),
        };

        return new Template(
            file,
            version,
            description,
            ReadParameterGroups(map["parameter_groups"], diagnostics),
            Section(map, "parameters", diagnostics),
            ReadResources(Section(map, "resources", diagnostics), version, parser, diagnostics),
            ReadOutputs(Section(map, "outputs", diagnostics), version, parser, diagnostics),
            version.SupportsConditions ? Section(map, "conditions", diagnostics) : null);
    }

    private static TemplateVersion? ReadVersion(MappingNode map, DiagnosticBag diagnostics)
    {
        var hot = map.Find(VersionKey);
        var cfn = map.Entries.FirstOrDefault(e => CfnVersionKeys.Contains(e.Key));
        if (hot is not null && cfn is not null)
        {
            diagnostics.Error(cfn.KeySpan, DiagnosticCodes.VersionAmbiguous,
                $"the template has both '{VersionKey}' and '{cfn.Key}': keep only '{VersionKey}'");
            return null;
        }

        if (cfn is not null)
        {
            diagnostics.Error(cfn.KeySpan, DiagnosticCodes.VersionInvalid,
                $"'{cfn.Key}' marks a CloudFormation-style template, which Hearth does not read: rewrite it as HOT with '{VersionKey}: 2021-04-16'");
            return null;
        }

        if (hot is null)
        {
            diagnostics.Error(map.Span, DiagnosticCodes.VersionMissing,
                $"the template has no version: add '{VersionKey}: 2021-04-16' (or a release name such as wallaby) as its first line");
            return null;
        }

        var text = hot.Value is ScalarNode { Value: not null } scalar ? Values.Value.ToPythonString(scalar.Value) : null;
        var version = text is null ? null : TemplateVersion.Find(text);
        if (version is null)
        {
            diagnostics.Error(hot.Value.Span, DiagnosticCodes.VersionInvalid,
                $"'{text ?? Describe(hot.Value)}' is not a HOT version; use one of {string.Join(", ", TemplateVersion.AcceptedValues)}");
        }

        return version;
    }

    private static MappingNode? Section(MappingNode map, string name, DiagnosticBag diagnostics) => map[name] switch
    {
        null or ScalarNode { Value: null } => null,
        MappingNode section => section,
        var other => SectionTypeError<MappingNode?>(other, name, "a map", diagnostics, null),
    };

    private static T SectionTypeError<T>(SyntaxNode node, string section, string expected, DiagnosticBag diagnostics, T fallback)
    {
        diagnostics.Error(node.Span, DiagnosticCodes.SectionWrongType, $"the '{section}' section must be {expected}, not a {Describe(node)}");
        return fallback;
    }

    private static ImmutableArray<ParameterGroup> ReadParameterGroups(SyntaxNode? node, DiagnosticBag diagnostics)
    {
        if (node is null or ScalarNode { Value: null })
        {
            return [];
        }

        if (node is not SequenceNode list)
        {
            return SectionTypeError<ImmutableArray<ParameterGroup>>(node, "parameter_groups", "a list of groups", diagnostics, []);
        }

        var groups = ImmutableArray.CreateBuilder<ParameterGroup>();
        foreach (var item in list.Items)
        {
            if (item is not MappingNode group)
            {
                diagnostics.Error(item.Span, DiagnosticCodes.ParameterGroupInvalid, "a parameter group must be a map with 'label', 'description' and 'parameters'");
                continue;
            }

            foreach (var entry in group.Entries.Where(e => e.Key is not ("label" or "description" or "parameters")))
            {
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.ParameterGroupInvalid,
                    $"'{entry.Key}' is not a parameter group key; use label, description or parameters");
            }

            var names = ImmutableArray.CreateBuilder<NameReference>();
            switch (group["parameters"])
            {
                case SequenceNode parameters:
                    foreach (var p in parameters.Items)
                    {
                        if (p is ScalarNode { Value: string name })
                        {
                            names.Add(new NameReference(name, p.Span));
                        }
                        else
                        {
                            diagnostics.Error(p.Span, DiagnosticCodes.ParameterGroupInvalid, "a parameter group lists parameter names (strings)");
                        }
                    }

                    break;
                case null:
                    diagnostics.Error(group.Span, DiagnosticCodes.ParameterGroupInvalid, "a parameter group needs a 'parameters' list");
                    break;
                case var other:
                    diagnostics.Error(other.Span, DiagnosticCodes.ParameterGroupInvalid, "the 'parameters' of a parameter group must be a list of names");
                    break;
            }

            groups.Add(new ParameterGroup(ScalarText(group["label"]), ScalarText(group["description"]), names.ToImmutable()));
        }

        return groups.ToImmutable();
    }

    private static ImmutableArray<ResourceDefinition> ReadResources(MappingNode? section, TemplateVersion version, ExpressionParser parser, DiagnosticBag diagnostics)
    {
        if (section is null)
        {
            return [];
        }

        var allowedKeys = version.SupportsConditions ? [.. BaseResourceKeys, .. ConditionalResourceKeys] : BaseResourceKeys;
        var resources = ImmutableArray.CreateBuilder<ResourceDefinition>(section.Entries.Length);
        foreach (var entry in section.Entries)
        {
            if (entry.Value is not MappingNode body)
            {
                diagnostics.Error(entry.Value.Span, DiagnosticCodes.ResourceWrongType,
                    $"resource '{entry.Key}' must be a map with at least a 'type', not a {Describe(entry.Value)}");
                continue;
            }

            foreach (var key in body.Entries.Where(e => !allowedKeys.Contains(e.Key)))
            {
                var message = ConditionalResourceKeys.Contains(key.Key)
                    ? $"'{key.Key}' in resource '{entry.Key}' needs {VersionKey} 2016-10-14 (newton) or later; this template is {version}"
                    : $"'{key.Key}' is not a valid key in resource '{entry.Key}'{PropertyValidator.Hint(key.Key, allowedKeys)}; keys are {string.Join(", ", allowedKeys)}";
                diagnostics.Error(key.KeySpan, ConditionalResourceKeys.Contains(key.Key) ? DiagnosticCodes.KeyNotInVersion : DiagnosticCodes.UnknownResourceKey, message);
            }

            var type = body.Find("type");
            string typeName;
            if (type is null)
            {
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.ResourceTypeMissing,
                    $"resource '{entry.Key}' has no 'type': add one such as 'type: OS::Heat::Value'");
                typeName = "";
            }
            else if (type.Value is ScalarNode { Value: string t } && t.Length > 0)
            {
                typeName = t;
            }
            else
            {
                diagnostics.Error(type.Value.Span, DiagnosticCodes.ResourceKeyWrongType,
                    $"the 'type' of resource '{entry.Key}' must be a type name such as OS::Heat::Value, not a {Describe(type.Value)}");
                typeName = "";
            }

            var propertiesSyntax = body["properties"];
            resources.Add(new ResourceDefinition(
                entry.Key,
                entry.KeySpan,
                typeName,
                type?.Value.Span ?? entry.KeySpan,
                ReadMapOrFunction(propertiesSyntax, "properties", entry.Key, parser, diagnostics) ?? new LiteralExpression(entry.KeySpan, Values.Value.NewMap()),
                propertiesSyntax,
                ReadMapOrFunction(body["metadata"], "metadata", entry.Key, parser, diagnostics),
                ReadDependsOn(body["depends_on"], entry.Key, diagnostics),
                ReadOptional(body["deletion_policy"], parser),
                ReadMapOrFunction(body["update_policy"], "update_policy", entry.Key, parser, diagnostics),
                ReadDescription(body["description"], entry.Key, diagnostics),
                body["condition"] is { } condition ? parser.ParseCondition(condition) : null,
                ReadOptional(body["external_id"], parser)));
        }

        return resources.ToImmutable();
    }

    private static ImmutableArray<OutputDefinition> ReadOutputs(MappingNode? section, TemplateVersion version, ExpressionParser parser, DiagnosticBag diagnostics)
    {
        if (section is null)
        {
            return [];
        }

        string[] allowedKeys = version.SupportsConditions ? ["value", "description", "condition"] : ["value", "description"];
        var outputs = ImmutableArray.CreateBuilder<OutputDefinition>(section.Entries.Length);
        foreach (var entry in section.Entries)
        {
            if (entry.Value is not MappingNode body)
            {
                diagnostics.Error(entry.Value.Span, DiagnosticCodes.OutputWrongType,
                    $"output '{entry.Key}' must be a map with a 'value', not a {Describe(entry.Value)}");
                continue;
            }

            foreach (var key in body.Entries.Where(e => !allowedKeys.Contains(e.Key)))
            {
                diagnostics.Error(key.KeySpan, DiagnosticCodes.UnknownOutputKey,
                    $"'{key.Key}' is not a valid key in output '{entry.Key}'{PropertyValidator.Hint(key.Key, allowedKeys)}; keys are {string.Join(", ", allowedKeys)}");
            }

            var value = body.Find("value");
            if (value is null)
            {
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.OutputValueMissing, $"output '{entry.Key}' has no 'value': every output needs one");
            }

            outputs.Add(new OutputDefinition(
                entry.Key,
                entry.KeySpan,
                value is null ? new LiteralExpression(entry.KeySpan, null) : parser.Parse(value.Value),
                ReadDescription(body["description"], entry.Key, diagnostics),
                body["condition"] is { } condition ? parser.ParseCondition(condition) : null));
        }

        return outputs.ToImmutable();
    }

    private static Expression? ReadMapOrFunction(SyntaxNode? node, string key, string resource, ExpressionParser parser, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case null or ScalarNode { Value: null }:
                return null;
            case MappingNode:
                return parser.Parse(node);
            default:
                diagnostics.Error(node.Span, DiagnosticCodes.ResourceKeyWrongType,
                    $"the '{key}' of resource '{resource}' must be a map, not a {Describe(node)}");
                return null;
        }
    }

    private static Expression? ReadOptional(SyntaxNode? node, ExpressionParser parser) =>
        node is null or ScalarNode { Value: null } ? null : parser.Parse(node);

    private static ImmutableArray<NameReference> ReadDependsOn(SyntaxNode? node, string resource, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case null or ScalarNode { Value: null }:
                return [];
            case ScalarNode { Value: string name }:
                return [new NameReference(name, node.Span)];
            case SequenceNode list:
                var names = ImmutableArray.CreateBuilder<NameReference>();
                foreach (var item in list.Items)
                {
                    if (item is ScalarNode { Value: string n })
                    {
                        names.Add(new NameReference(n, item.Span));
                    }
                    else
                    {
                        diagnostics.Error(item.Span, DiagnosticCodes.ResourceKeyWrongType,
                            $"'depends_on' of resource '{resource}' lists resource names (strings), not a {Describe(item)}");
                    }
                }

                return names.ToImmutable();
            default:
                diagnostics.Error(node.Span, DiagnosticCodes.ResourceKeyWrongType,
                    $"'depends_on' of resource '{resource}' must be a resource name or a list of names, not a {Describe(node)}");
                return [];
        }
    }

    private static string? ReadDescription(SyntaxNode? node, string owner, DiagnosticBag diagnostics)
    {
        switch (node)
        {
            case null or ScalarNode { Value: null }:
                return null;
            case ScalarNode scalar:
                return Values.Value.ToPythonString(scalar.Value);
            default:
                diagnostics.Error(node.Span, DiagnosticCodes.ResourceKeyWrongType, $"the description of '{owner}' must be a string, not a {Describe(node)}");
                return null;
        }
    }

    private static string? ScalarText(SyntaxNode? node) => node is ScalarNode { Value: not null } s ? Values.Value.ToPythonString(s.Value) : null;

    internal static string Describe(SyntaxNode node) => node switch
    {
        MappingNode => "map",
        SequenceNode => "list",
        ScalarNode { Value: var v } => Values.Value.TypeName(v),
        _ => "value",
    };
}
