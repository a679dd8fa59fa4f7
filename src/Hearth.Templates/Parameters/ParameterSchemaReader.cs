using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Parameters;

/// <summary>
/// Reads a template's <c>parameters</c> section into <see cref="ParameterSchema"/>s, reporting every schema problem
/// (heat-semantics §2.1, §2.3) as a positioned diagnostic. A parameter whose schema has errors is still returned
/// (with <see cref="ParameterSchema.IsValid"/> false) so that references to it do not report more errors.
/// </summary>
public static class ParameterSchemaReader
{
    private static readonly string[] BaseKeys = ["type", "description", "default", "schema", "constraints", "hidden", "label", "immutable"];
    private static readonly string[] ConstraintKinds = ["length", "range", "modulo", "allowed_values", "allowed_pattern", "custom_constraint"];
    private static readonly string[] TypeNames = ["string", "number", "json", "comma_delimited_list", "boolean"];

    public static ImmutableArray<ParameterSchema> Read(MappingNode? section, TemplateVersion version, DiagnosticBag diagnostics)
    {
        if (section is null)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ParameterSchema>(section.Entries.Length);
        foreach (var entry in section.Entries)
        {
            result.Add(ReadOne(entry, version, diagnostics));
        }

        return result.ToImmutable();
    }

    private static ParameterSchema ReadOne(MappingEntry entry, TemplateVersion version, DiagnosticBag diagnostics)
    {
        var name = entry.Key;
        var span = entry.KeySpan;
        if (entry.Value is not MappingNode map)
        {
            diagnostics.Error(entry.Value.Span, DiagnosticCodes.ParameterSchemaInvalid,
                $"The parameter '{name}' must be a map of schema keys (type, default, description, constraints, ...)");
            return Invalid(name, span);
        }

        var valid = true;
        var allowTags = version.AtLeast(TemplateVersion.V2018_03_02);
        foreach (var key in map.Entries)
        {
            if (BaseKeys.Contains(key.Key) || (allowTags && key.Key == "tags"))
            {
                continue;
            }

            valid = false;
            var hint = key.Key == "tags"
                ? " ('tags' needs heat_template_version 2018-03-02 or later)"
                : $" (valid keys: {string.Join(", ", BaseKeys.Where(k => k != "schema").Concat(allowTags ? ["tags"] : []))})";
            diagnostics.Error(key.KeySpan, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid key '{key.Key}' for parameter ({name}){hint}");
        }

        ParameterType? type = null;
        switch (map.Find("type"))
        {
            case null:
                diagnostics.Error(span, DiagnosticCodes.ParameterSchemaInvalid, $"Missing parameter type for parameter: {name}");
                break;
            case { Value: ScalarNode { Value: string typeName } typeNode }:
                type = ParameterTypeNames.Parse(typeName);
                if (type is null)
                {
                    diagnostics.Error(typeNode.Span, DiagnosticCodes.ParameterSchemaInvalid,
                        $"Invalid type ({typeName}) for parameter {name}; use one of {string.Join(", ", TypeNames)}");
                }

                break;
            case { Value: var other }:
                diagnostics.Error(other.Span, DiagnosticCodes.ParameterSchemaInvalid,
                    $"Invalid type ({Value.ToPythonString(other.ToValue())}) for parameter {name}; use one of {string.Join(", ", TypeNames)}");
                break;
        }

        valid &= type is not null;
        var hidden = ReadBool(map, "hidden", name, diagnostics, ref valid);
        var immutable = ReadBool(map, "immutable", name, diagnostics, ref valid);
        var label = ReadText(map, "label", name, diagnostics, ref valid);
        var description = ReadText(map, "description", name, diagnostics, ref valid);
        var tags = allowTags ? ReadTags(map, name, diagnostics, ref valid) : [];
        var defaultEntry = map.Find("default");
        var @default = defaultEntry is null ? null : new ParameterDefault(defaultEntry.Value.ToValue(), defaultEntry.Value.Span);
        var constraints = ReadConstraints(map, name, version, type, diagnostics, ref valid);

        var schema = new ParameterSchema(name, span, type ?? ParameterType.String, @default, hidden, label, description, immutable, constraints, tags)
        {
            IsValid = valid,
        };

        if (valid && @default is not null && ParameterChecks.ValidateDefault(schema) is { } defaultError)
        {
            diagnostics.Error(@default.Span, DiagnosticCodes.ParameterDefaultInvalid, defaultError);
        }

        return schema;
    }

    private static ParameterSchema Invalid(string name, SourceSpan span) =>
        new(name, span, ParameterType.String, null, false, null, null, false, [], []) { IsValid = false };

    private static bool ReadBool(MappingNode map, string key, string name, DiagnosticBag diagnostics, ref bool valid)
    {
        switch (map[key])
        {
            case null or ScalarNode { Value: null }:
                return false;
            case ScalarNode { Value: bool b }:
                return b;
            case ScalarNode { Value: string s } when bool.TryParse(s, out var parsed):
                return parsed;
            case var node:
                valid = false;
                diagnostics.Error(node.Span, DiagnosticCodes.ParameterSchemaInvalid, $"'{key}' of parameter {name} must be true or false");
                return false;
        }
    }

    private static string? ReadText(MappingNode map, string key, string name, DiagnosticBag diagnostics, ref bool valid)
    {
        switch (map[key])
        {
            case null or ScalarNode { Value: null }:
                return null;
            case ScalarNode scalar:
                return Value.ToPythonString(scalar.Value);
            case var node:
                valid = false;
                diagnostics.Error(node.Span, DiagnosticCodes.ParameterSchemaInvalid, $"'{key}' of parameter {name} must be a string");
                return null;
        }
    }

    private static ImmutableArray<string> ReadTags(MappingNode map, string name, DiagnosticBag diagnostics, ref bool valid)
    {
        switch (map["tags"])
        {
            case null:
                return [];
            case SequenceNode list when list.Items.All(i => i is ScalarNode { Value: string }):
                return [.. list.Items.Select(i => (string)((ScalarNode)i).Value!)];
            case var node:
                valid = false;
                diagnostics.Error(node.Span, DiagnosticCodes.ParameterSchemaInvalid, $"Tags property should be a list of strings for parameter: {name}");
                return [];
        }
    }

    private static ImmutableArray<ParameterConstraint> ReadConstraints(
        MappingNode map, string name, TemplateVersion version, ParameterType? type, DiagnosticBag diagnostics, ref bool valid)
    {
        var node = map["constraints"];
        if (node is null or ScalarNode { Value: null })
        {
            return [];
        }

        if (node is not SequenceNode list)
        {
            valid = false;
            diagnostics.Error(node.Span, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid parameter constraints for parameter {name}, expected a list");
            return [];
        }

        var allowModulo = version.AtLeast(TemplateVersion.V2017_02_24);
        var result = ImmutableArray.CreateBuilder<ParameterConstraint>();
        foreach (var item in list.Items)
        {
            var constraint = ReadConstraint(item, name, allowModulo, diagnostics);
            if (constraint is null)
            {
                valid = false;
                continue;
            }

            if (type is { } t && !constraint.AppliesTo(t))
            {
                valid = false;
                diagnostics.Error(constraint.Span, DiagnosticCodes.ParameterSchemaInvalid,
                    $"{constraint.HeatName} constraint invalid for {t.ToTemplateName()} (parameter {name}: '{constraint.Kind}' does not apply to {t.ToTemplateName()} parameters)");
                continue;
            }

            result.Add(constraint);
        }

        return result.ToImmutable();
    }

    private static ParameterConstraint? ReadConstraint(SyntaxNode item, string name, bool allowModulo, DiagnosticBag diagnostics)
    {
        if (item is not MappingNode entry)
        {
            diagnostics.Error(item.Span, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid parameter constraints, expected a mapping (parameter {name})");
            return null;
        }

        var ok = true;
        foreach (var key in entry.Entries.Where(e => e.Key != "description" && !(ConstraintKinds.Contains(e.Key) && (allowModulo || e.Key != "modulo"))))
        {
            ok = false;
            var hint = key.Key == "modulo" ? " ('modulo' needs heat_template_version 2017-02-24 or later)" : "";
            diagnostics.Error(key.KeySpan, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid key '{key.Key}' for parameter constraints{hint}");
        }

        string? description = null;
        if (entry["description"] is { } descriptionNode)
        {
            if (descriptionNode is ScalarNode scalar)
            {
                description = scalar.Value is null ? null : Value.ToPythonString(scalar.Value);
            }
            else
            {
                ok = false;
                diagnostics.Error(descriptionNode.Span, DiagnosticCodes.ParameterSchemaInvalid, "A constraint's description must be a string");
            }
        }

        var kinds = entry.Entries.Where(e => ConstraintKinds.Contains(e.Key) && (allowModulo || e.Key != "modulo")).ToList();
        if (kinds.Count == 0)
        {
            if (ok)
            {
                diagnostics.Error(entry.Span, DiagnosticCodes.ParameterSchemaInvalid, "No constraint expressed");
            }

            return null;
        }

        if (kinds.Count > 1)
        {
            diagnostics.Error(kinds[1].KeySpan, DiagnosticCodes.ParameterSchemaInvalid,
                $"A constraint entry expresses one constraint; this one has {string.Join(" and ", kinds.Select(k => k.Key))}. Write one list entry each");
            return null;
        }

        if (!ok)
        {
            return null;
        }

        var kind = kinds[0];
        var def = kind.Value;
        var span = kind.KeySpan;
        switch (kind.Key)
        {
            case "range":
            case "length":
                return ReadBounds(kind.Key, def, description, span, diagnostics);
            case "modulo":
                return ReadModulo(def, description, span, diagnostics);
            case "allowed_values":
                if (def is SequenceNode values)
                {
                    return new AllowedValuesConstraint([.. values.Items.Select(v => v.ToValue())], description, span);
                }

                diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, "AllowedValues must be a list");
                return null;
            case "allowed_pattern":
                if (def is ScalarNode { Value: string pattern })
                {
                    if (PythonRegex.TryCompile(pattern, out _, out var error))
                    {
                        return new AllowedPatternConstraint(pattern, description, span);
                    }

                    diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid allowed_pattern \"{pattern}\": {error}");
                    return null;
                }

                diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, "AllowedPattern must be a string");
                return null;
            default:
                if (def is ScalarNode { Value: string custom })
                {
                    return new CustomConstraint(custom, description, span);
                }

                diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, "custom_constraint must be the name of a constraint (a string)");
                return null;
        }
    }

    private static ParameterConstraint? ReadBounds(string kind, SyntaxNode def, string? description, SourceSpan span, DiagnosticBag diagnostics)
    {
        if (def is not MappingNode bounds)
        {
            diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid {kind} constraint, expected a mapping");
            return null;
        }

        var ok = true;
        foreach (var key in bounds.Entries.Where(e => e.Key is not ("min" or "max")))
        {
            ok = false;
            diagnostics.Error(key.KeySpan, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid key '{key.Key}' for {kind} constraint (use min and/or max)");
        }

        var min = Number(bounds.Find("min"), kind == "length" ? "min/max length must be integral" : "min/max must be numeric", kind == "length", diagnostics, ref ok);
        var max = Number(bounds.Find("max"), kind == "length" ? "min/max length must be integral" : "min/max must be numeric", kind == "length", diagnostics, ref ok);
        if (!ok)
        {
            return null;
        }

        if (min is null && max is null)
        {
            diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, $"A {kind} constraint must have a min value and/or a max value specified.");
            return null;
        }

        return kind == "length"
            ? new LengthConstraint((long?)min, (long?)max, description, span)
            : new RangeConstraint(min, max, description, span);
    }

    private static object? Number(MappingEntry? entry, string message, bool integral, DiagnosticBag diagnostics, ref bool ok)
    {
        if (entry is null || entry.Value is ScalarNode { Value: null })
        {
            return null;
        }

        // Heat's get_num: strings are converted with int()-else-float().
        if (entry.Value is ScalarNode { Value: not bool } scalar && PythonValues.TryToNumber(scalar.Value, out var n) && (!integral || n is long))
        {
            return n;
        }

        ok = false;
        diagnostics.Error(entry.Value.Span, DiagnosticCodes.ParameterSchemaInvalid, message);
        return null;
    }

    private static ModuloConstraint? ReadModulo(SyntaxNode def, string? description, SourceSpan span, DiagnosticBag diagnostics)
    {
        if (def is not MappingNode map)
        {
            diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, "Invalid modulo constraint, expected a mapping");
            return null;
        }

        var ok = true;
        foreach (var key in map.Entries.Where(e => e.Key is not ("step" or "offset")))
        {
            ok = false;
            diagnostics.Error(key.KeySpan, DiagnosticCodes.ParameterSchemaInvalid, $"Invalid key '{key.Key}' for modulo constraint (use step and offset)");
        }

        var stepValue = Number(map.Find("step"), "step/offset must be numeric", false, diagnostics, ref ok);
        var offsetValue = Number(map.Find("offset"), "step/offset must be numeric", false, diagnostics, ref ok);
        if (!ok)
        {
            return null;
        }

        if (stepValue is null || offsetValue is null)
        {
            diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, "A modulo constraint must have a step value and an offset value specified.");
            return null;
        }

        var stepDouble = Convert.ToDouble(stepValue, System.Globalization.CultureInfo.InvariantCulture);
        var offsetDouble = Convert.ToDouble(offsetValue, System.Globalization.CultureInfo.InvariantCulture);
        string? error = null;
        if (Math.Floor(stepDouble) != stepDouble || Math.Floor(offsetDouble) != offsetDouble)
        {
            error = "step/offset must be integer";
        }
        else if (stepDouble == 0)
        {
            error = "step cannot be 0.";
        }
        else if (Math.Abs(offsetDouble) >= Math.Abs(stepDouble))
        {
            error = "offset must be smaller (by absolute value) than step.";
        }
        else if (stepDouble * offsetDouble < 0)
        {
            error = "step and offset must be both positive or both negative.";
        }

        if (error is not null)
        {
            diagnostics.Error(def.Span, DiagnosticCodes.ParameterSchemaInvalid, error);
            return null;
        }

        return new ModuloConstraint((long)stepDouble, (long)offsetDouble, description, span);
    }
}
