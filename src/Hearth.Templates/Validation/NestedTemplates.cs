using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;

namespace Hearth.Templates.Validation;

/// <summary>Validation of resources whose type is a template: the nested template is validated with the resource's properties.</summary>
internal static class NestedTemplates
{
    public static ResourceTypeSchema? Schema(StackDefinition parent, ResourceDefinition resource, ResolvedResourceType resolved, IResourceTypeCatalog catalog, DiagnosticBag diagnostics, int depth)
    {
        var nested = NestedStacks.ReadTemplate(parent, resource, resolved, diagnostics);
        return nested is null ? null : NestedStacks.SchemaOf(nested, resolved.TemplatePath ?? resolved.Type);
    }

    public static void ValidateWithProperties(StackDefinition parent, ResourceDefinition resource, IReadOnlyDictionary<string, object?> properties, IResourceTypeCatalog catalog, DiagnosticBag diagnostics, int depth, ValidationMode mode)
    {
        var resolved = parent.Environment.Registry.ResolveType(resource.Name, resource.Type, parent.NestedPath);
        if (!resolved.IsTemplate)
        {
            return;
        }

        if (depth >= TemplateValidator.MaxNestingDepth)
        {
            diagnostics.Error(resource.TypeSpan, DiagnosticCodes.NestedTemplateInvalid,
                $"nested templates go deeper than {TemplateValidator.MaxNestingDepth} levels at resource '{resource.Name}'; does a template use itself?");
            return;
        }

        var nested = NestedStacks.ReadTemplate(parent, resource, resolved, new DiagnosticBag());
        if (nested is null)
        {
            return;
        }

        // Values only known after apply are left out: the nested template's defaults stand in for them.
        var known = properties.Where(kv => !Values.Value.ContainsUnknown(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var nestedDiagnostics = new DiagnosticBag();
        var identity = new StackIdentity($"{parent.Identity.Name}-{resource.Name}", Guid.Empty.ToString(), parent.Identity.ProjectId);
        var definition = NestedStacks.Load(parent, resource, nested, known, identity, nestedDiagnostics);
        TemplateValidator.ValidateDefinition(definition, catalog, nestedDiagnostics, depth + 1, mode);
        foreach (var diagnostic in nestedDiagnostics.ToImmutable())
        {
            if (diagnostic.Code == DiagnosticCodes.ParameterMissing)
            {
                // A parameter the nested template needs but the resource did not give is the resource's problem, if nothing will give it later.
                if (properties.Count == known.Count && MissingParameter(definition, diagnostic) is { } name)
                {
                    HeatLeniency.Add(diagnostics, [diagnostic with { Message = MissingMessage(resource, nested, name) }], mode, failsAtCreate: true, _ => true);
                }

                continue;
            }

            // Heat's validate does not load a nested stack's parameters: it finds their problems when it creates the stack.
            HeatLeniency.Add(diagnostics, [diagnostic], mode, failsAtCreate: true, d => NestedParameterCodes.Contains(d.Code));
        }
    }

    private static readonly string[] NestedParameterCodes =
        [DiagnosticCodes.ParameterDefaultInvalid, DiagnosticCodes.ParameterValueInvalid, DiagnosticCodes.ParameterConstraintFailed];

    /// <summary>The parameter a "missing" diagnostic is declared at; null for its uses (one diagnostic per parameter is enough).</summary>
    private static string? MissingParameter(StackDefinition definition, Diagnostic diagnostic) =>
        definition.Parameters.Schemas.FirstOrDefault(s => s.Span == diagnostic.Span)?.Name;

    private static string MissingMessage(ResourceDefinition resource, Template nested, string name) =>
        $"the parameter '{name}' of {Path.GetFileName(nested.File)} has no value: set the property '{name}' of resource '{resource.Name}', " +
        $"or give it under 'parameter_defaults:' in an environment file given with -e (TripleO sets its templates' parameters there)";
}
