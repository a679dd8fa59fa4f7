using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Expressions;
using Hearth.Templates.Files;
using Hearth.Templates.Graph;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Validation;

/// <summary>
/// Static validation of a template with its environments and parameters, as <c>hearth template validate</c> and
/// every stack operation run it: structure, parameters, functions, references, attributes, properties against each
/// type's schema (nested templates included), deletion and update policies, and dependency cycles. Finds as many
/// problems as it can in one run; values known only after apply are not judged.
/// </summary>
public static class TemplateValidator
{
    /// <summary>How deep nested templates may go (Heat's max_nested_stack_depth default is 5; TripleO uses 10).</summary>
    public const int MaxNestingDepth = 10;

    private const string ChainType = "OS::Heat::ResourceChain";

    private static readonly string[] HearthUpdatePolicyKeys = ["replacement", "replace_on_change_of"];

    private static readonly string[] FileCodes =
        [DiagnosticCodes.FileNotFound, DiagnosticCodes.FileNotInFiles, DiagnosticCodes.FileOutsideTemplateTree, DiagnosticCodes.NotARegularFile, DiagnosticCodes.FileTooLarge];

    public static ValidationReport Validate(StackSources sources, IFileReader reader, IResourceTypeCatalog catalog, ValidationMode mode = ValidationMode.Validate)
    {
        var diagnostics = new DiagnosticBag();
        var identity = new StackIdentity("validate", Guid.Empty.ToString(), "hearth");
        var loading = new DiagnosticBag();
        var definition = StackDefinitionLoader.Load(sources, identity, reader, loading, requireParameterValues: false);
        if (definition is null)
        {
            AddLoadDiagnostics(diagnostics, loading.ToImmutable(), sources.TemplatePath, mode);
            return new ValidationReport(sources.TemplatePath, null, null, diagnostics.ToImmutable(), [], [], []);
        }

        AddValidated(diagnostics, definition, loading, catalog, mode);
        var parameters = definition.Parameters.Schemas
            .Select(s => definition.Parameters.Parameters.TryGetValue(s.Name, out var p)
                ? new ParameterSummary(s.Name, s.Type.ToTemplateName(), p.Display, s.Hidden, SourceName(p.Source), s.Description)
                : new ParameterSummary(s.Name, s.Type.ToTemplateName(), null, s.Hidden, "missing", s.Description))
            .ToImmutableArray();
        var enabled = definition.EnabledResources.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var resources = definition.Template.Resources
            .Select(r => new ResourceSummary(r.Name, r.Type, SafeResolvedType(definition, r), enabled.Contains(r.Name), [.. definition.DependenciesOf(r)]))
            .ToImmutableArray();
        var outputs = definition.Template.Outputs.Select(o => new OutputSummary(o.Name, o.Description)).ToImmutableArray();
        return new ValidationReport(sources.TemplatePath, definition.Template.Version.Date, definition.Template.Description,
            diagnostics.ToImmutable(), parameters, resources, outputs);
    }

    /// <summary>
    /// Validates a definition loaded for <c>stack create</c> or <c>update</c> (parameters required), with the
    /// diagnostics of its loading: what Heat refuses at create is an error, what it never refuses a warning.
    /// </summary>
    public static void ValidateForCreate(StackDefinition definition, DiagnosticBag loading, IResourceTypeCatalog catalog, DiagnosticBag diagnostics) =>
        AddValidated(diagnostics, definition, loading, catalog, ValidationMode.Create);

    /// <summary>
    /// Adds the diagnostics of loading <paramref name="definition"/> and of validating it, with one problem of a parameter
    /// reported once: where loading reported it, not again at each read (<see cref="ReadsOfReportedParameters"/>).
    /// </summary>
    private static void AddValidated(DiagnosticBag diagnostics, StackDefinition definition, DiagnosticBag loading, IResourceTypeCatalog catalog, ValidationMode mode)
    {
        var found = new DiagnosticBag();
        ValidateDefinition(definition, catalog, found, depth: 0, mode);
        var reportedReads = ReadsOfReportedParameters(definition);
        bool ReportedAlready(Diagnostic d) => d.Code == DiagnosticCodes.ParameterMissing && reportedReads.Contains(d.Span);
        AddLoadDiagnostics(diagnostics, loading.ToImmutable().Where(d => !ReportedAlready(d)), definition.Template.File, mode);
        AddMasked(diagnostics, found.ToImmutable().Where(d => !ReportedAlready(d)), definition);
    }

    /// <summary>
    /// Where the template reads (<c>get_param</c>) a declared parameter without a value whose problem loading has
    /// reported: where its value was given (refused), or, at create, where it is declared (no value given). Its reads, a
    /// condition's (evaluated while loading) among them, would each say again that it "has no value" or "was not
    /// provided", which for a refused value is not even true. Validation reports a parameter given no value only where a
    /// condition needs it, as Heat's validate does, so those reads stay.
    /// </summary>
    private static HashSet<SourceSpan> ReadsOfReportedParameters(StackDefinition definition)
    {
        var parameters = definition.Parameters;
        var reported = parameters.Schemas.Select(s => s.Name)
            .Where(n => !parameters.Parameters.ContainsKey(n) && (!definition.MissingParametersAreUnknown || parameters.Refused.Contains(n)))
            .ToHashSet(StringComparer.Ordinal);
        if (reported.Count == 0)
        {
            return [];
        }

        var conditions = definition.ConditionSet.Names.Select(definition.ConditionSet.Definition);
        var resources = definition.Template.Resources.SelectMany(r => r.AllExpressions.Append(r.Condition));
        var outputs = definition.Template.Outputs.SelectMany(o => new[] { o.Value, o.Condition });
        return conditions.Concat(resources).Concat(outputs).OfType<Expression>()
            .SelectMany(e => e.DescendantsAndSelf())
            .OfType<Functions.GetParamFunction>()
            .Where(get => get.ParameterName is { } name && reported.Contains(name))
            .Select(get => get.Span)
            .ToHashSet();
    }

    private static void AddMasked(DiagnosticBag diagnostics, IEnumerable<Diagnostic> found, StackDefinition definition)
    {
        var hidden = HiddenValues.Of(definition);
        foreach (var diagnostic in found)
        {
            diagnostics.Add(diagnostic with { Message = hidden.Mask(diagnostic.Message) });
        }
    }

    /// <summary>The diagnostics of loading a definition for <c>stack create</c>, with those Heat never refuses as warnings.</summary>
    public static DiagnosticBag LoadedForCreate(DiagnosticBag loading, string templatePath)
    {
        var diagnostics = new DiagnosticBag();
        AddLoadDiagnostics(diagnostics, loading.ToImmutable(), templatePath, ValidationMode.Create);
        return diagnostics;
    }

    /// <summary>An unknown key in an output of the top-level template: Heat reads those outputs without checking their keys.</summary>
    private static void AddLoadDiagnostics(DiagnosticBag diagnostics, IEnumerable<Diagnostic> loading, string templatePath, ValidationMode mode) =>
        HeatLeniency.Add(diagnostics, loading, mode, failsAtCreate: false,
            d => d.Code == DiagnosticCodes.UnknownOutputKey && d.Span.File == templatePath);

    private static string SourceName(ParameterValueSource source) => source switch
    {
        ParameterValueSource.User => "given",
        ParameterValueSource.ParameterDefaults => "parameter_defaults",
        ParameterValueSource.TemplateDefault => "default",
        _ => "pseudo",
    };

    private static string SafeResolvedType(StackDefinition definition, ResourceDefinition resource)
    {
        try
        {
            return definition.ResolvedType(resource);
        }
        catch (TemplateException)
        {
            return resource.Type;
        }
    }

    /// <summary>Validates a loaded definition; nested templates are validated with the resource's properties as their parameters.</summary>
    internal static void ValidateDefinition(StackDefinition definition, IResourceTypeCatalog catalog, DiagnosticBag diagnostics, int depth, ValidationMode mode)
    {
        var template = definition.Template;
        var context = definition.CreateContext(UnresolvedResources.Instance);
        var validation = new ValidationContext(diagnostics, context);
        ValidateParameterGroups(template, definition.Parameters, diagnostics);
        definition.ConditionSet.Validate(validation);

        var enabled = definition.EnabledResources.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var resource in definition.EnabledResources)
        {
            var schema = ResolveSchema(definition, resource, catalog, diagnostics, depth);
            foreach (var expression in resource.AllExpressions)
            {
                ValidateExpression(expression, context, diagnostics, mode, failsAtCreate: true);
                CheckReferences(expression, resource.Name, definition, context, catalog, enabled, diagnostics, depth);
            }

            foreach (var dependency in resource.DependsOn.Where(d => definition.Template.FindResource(d.Name) is null))
            {
                diagnostics.Error(dependency.Span, DiagnosticCodes.UnknownDependency,
                    $"resource '{resource.Name}' depends on '{dependency.Name}', which is not defined in this template{PropertyValidator.Hint(dependency.Name, template.Resources.Select(r => r.Name))}");
            }

            if (resource.ExternalId is not null && !resource.DependsOn.IsEmpty)
            {
                diagnostics.Error(resource.DependsOn[0].Span, DiagnosticCodes.ExternalIdWithDependsOn,
                    $"resource '{resource.Name}' has an external_id, so it may not have depends_on");
            }

            ValidateDeletionPolicy(resource, context, template, diagnostics);
            if (schema is not null)
            {
                ValidateProperties(definition, resource, schema, context, catalog, diagnostics, depth, mode);
            }
        }

        foreach (var output in template.Outputs)
        {
            bool enabledOutput;
            try
            {
                enabledOutput = definition.IsConditionTrue(output.Condition);
            }
            catch (TemplateException e)
            {
                diagnostics.Add(e.ToDiagnostic());
                continue;
            }

            if (!enabledOutput)
            {
                // A disabled output is null whatever it says, as in Heat: its references are not checked.
                continue;
            }

            // Heat evaluates outputs only when they are shown, and shows a failure as the output's value.
            ValidateExpression(output.Value, context, diagnostics, mode, failsAtCreate: false);
            CheckReferences(output.Value, from: null, definition, context, catalog, enabled, diagnostics, depth);
            try
            {
                output.Value.Evaluate(context);
            }
            catch (TemplateException e)
            {
                HeatLeniency.Add(diagnostics, [e.ToDiagnostic()], mode, failsAtCreate: false, d => !FileCodes.Contains(d.Code));
            }
        }

        // Edges by name through the template's index: a scan of the resources per edge made 100,000 resources take minutes.
        foreach (var cycle in CycleDetector.FindCycles(definition.EnabledResources.Select(r => r.Name), name =>
                     template.FindResource(name) is { } r ? definition.DependenciesOf(r) : []))
        {
            diagnostics.Error(ClosingReference(definition, context, cycle), DiagnosticCodes.DependencyCycle,
                $"dependency cycle: {string.Join(" -> ", cycle.Append(cycle[0]))}; break it by removing one of these references or depends_on");
        }
    }

    /// <summary>
    /// Where a cycle closes: the first reference (get_resource, get_attr or depends_on) in the cycle's last resource to
    /// its first — the edge a reader follows back to the start.
    /// </summary>
    private static SourceSpan ClosingReference(StackDefinition definition, EvaluationContext context, IReadOnlyList<string> cycle)
    {
        var (last, target) = (definition.Template.FindResource(cycle[^1]), cycle[0]);
        if (last is null)
        {
            return SourceSpan.WholeFile(definition.Template.File);
        }

        var spans = last.DependencySources
            .SelectMany(source => StackDefinition.References(source, context))
            .Where(reference => StackDefinition.ReferencedName(reference, context) == target)
            .Select(reference => ((Expression)reference).Span)
            .Concat(last.DependsOn.Where(d => d.Name == target).Select(d => d.Span));
        return spans.OrderBy(s => s.Line).ThenBy(s => s.Column).ToList() is [var first, ..] ? first : last.NameSpan;
    }

    /// <summary>A function's static checks; a parameter it names that is not declared Heat finds only when it resolves the value.</summary>
    private static void ValidateExpression(Expression expression, EvaluationContext context, DiagnosticBag diagnostics, ValidationMode mode, bool failsAtCreate)
    {
        var found = new DiagnosticBag();
        expression.Validate(new ValidationContext(found, context));
        HeatLeniency.Add(diagnostics, found.ToImmutable(), mode, failsAtCreate, d => d.Code == DiagnosticCodes.UnknownParameterReference);
    }

    private static void ValidateParameterGroups(Template template, ResolvedParameters parameters, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var group in template.ParameterGroups)
        {
            foreach (var name in group.Parameters)
            {
                if (!parameters.Schemas.Any(s => s.Name == name.Name))
                {
                    diagnostics.Error(name.Span, DiagnosticCodes.ParameterGroupInvalid,
                        $"parameter group '{group.Label}' lists '{name.Name}', which is not a declared parameter");
                }
                else if (!seen.TryAdd(name.Name, group.Label))
                {
                    diagnostics.Error(name.Span, DiagnosticCodes.ParameterGroupInvalid,
                        $"the parameter '{name.Name}' is already in parameter group '{seen[name.Name]}'; a parameter may be in one group only");
                }
            }
        }
    }

    private static ResourceTypeSchema? ResolveSchema(StackDefinition definition, ResourceDefinition resource, IResourceTypeCatalog catalog, DiagnosticBag diagnostics, int depth)
    {
        if (resource.Type.Length == 0)
        {
            return null;
        }

        ResolvedResourceType resolved;
        try
        {
            resolved = definition.Environment.Registry.ResolveType(resource.Name, resource.Type, definition.NestedPath, diagnostics);
        }
        catch (TemplateException e)
        {
            diagnostics.Add(e.ToDiagnostic());
            return null;
        }

        if (resolved.IsTemplate)
        {
            return NestedTemplates.Schema(definition, resource, resolved, catalog, diagnostics, depth);
        }

        if (catalog.Find(resolved.Type) is { } schema)
        {
            return schema;
        }

        var known = catalog.TypeNames.ToList();
        var hint = PropertyValidator.Hint(resolved.Type, known);
        var cloud = resolved.Type.StartsWith("OS::Nova::", StringComparison.Ordinal) || resolved.Type.StartsWith("OS::Neutron::", StringComparison.Ordinal)
            ? "; Hearth deploys onto servers that exist: map it to OS::Heat::DeployedServer (or OS::Heat::None) in an environment's resource_registry"
            : "";
        diagnostics.Error(resource.TypeSpan, DiagnosticCodes.UnknownResourceType,
            $"unknown resource type '{resolved.Type}' (resource '{resource.Name}'){hint}{cloud}");
        return null;
    }

    /// <param name="from">The resource whose expression it is (never suggested for its own misspelt reference: that would be a cycle).</param>
    private static void CheckReferences(
        Expression expression,
        string? from,
        StackDefinition definition,
        EvaluationContext context,
        IResourceTypeCatalog catalog,
        HashSet<string> enabled,
        DiagnosticBag diagnostics,
        int depth)
    {
        foreach (var reference in StackDefinition.References(expression, context))
        {
            var name = StackDefinition.ReferencedName(reference, context);
            var span = ((Expression)reference).Span;
            if (name is null)
            {
                continue;
            }

            var target = definition.Template.FindResource(name);
            if (target is null)
            {
                diagnostics.Error(span, DiagnosticCodes.UnknownResourceReference,
                    $"the resource '{name}' is not defined in this template{PropertyValidator.Hint(name, definition.Template.Resources.Select(r => r.Name).Where(r => r != from))}");
                continue;
            }

            if (!enabled.Contains(name))
            {
                diagnostics.Error(span, DiagnosticCodes.UnknownResourceReference,
                    $"the resource '{name}' is disabled by its condition, so it cannot be referenced here; guard the reference with the same condition");
                continue;
            }

            if (reference.IsAttributeReference && reference.AttributeName is { } attribute)
            {
                var schema = ResolveSchemaQuietly(definition, target, catalog, depth);
                if (schema is not null && !schema.HasAttribute(attribute))
                {
                    var known = schema.Attributes.Keys.Append(ResourceTypeSchema.ShowAttribute).Order(StringComparer.Ordinal);
                    diagnostics.Error(span, DiagnosticCodes.UnknownAttribute,
                        $"resource '{name}' ({schema.Type}) has no attribute '{attribute}'{PropertyValidator.Hint(attribute, known)}; its attributes are {string.Join(", ", known)}");
                }
            }
        }
    }

    private static ResourceTypeSchema? ResolveSchemaQuietly(StackDefinition definition, ResourceDefinition resource, IResourceTypeCatalog catalog, int depth) =>
        ResolveSchema(definition, resource, catalog, new DiagnosticBag(), depth);

    private static void ValidateDeletionPolicy(ResourceDefinition resource, EvaluationContext context, Template template, DiagnosticBag diagnostics)
    {
        if (resource.DeletionPolicy is null)
        {
            return;
        }

        object? value;
        try
        {
            value = resource.DeletionPolicy.Evaluate(context);
        }
        catch (TemplateException e)
        {
            diagnostics.Add(e.ToDiagnostic());
            return;
        }

        if (value is Unknown)
        {
            return;
        }

        string[] allowed = template.Version.SupportsConditions ? ["Delete", "Retain", "Snapshot", "delete", "retain", "snapshot"] : ["Delete", "Retain", "Snapshot"];
        if (value is not string policy || !allowed.Contains(policy))
        {
            diagnostics.Error(resource.DeletionPolicy.Span, DiagnosticCodes.InvalidDeletionPolicy,
                $"invalid deletion_policy {Value.ToPythonRepr(value)} on resource '{resource.Name}'; use Delete, Retain or Snapshot");
        }
    }

    private static void ValidateProperties(
        StackDefinition definition,
        ResourceDefinition resource,
        ResourceTypeSchema schema,
        EvaluationContext context,
        IResourceTypeCatalog catalog,
        DiagnosticBag diagnostics,
        int depth,
        ValidationMode mode)
    {
        // Heat's validate checks the names of properties, not their values: those it checks when it creates the stack.
        object? properties;
        try
        {
            properties = resource.Properties.Evaluate(context);
        }
        catch (TemplateException e)
        {
            // A file get_file cannot read is refused as Heat's client refuses it, before the template reaches Heat.
            HeatLeniency.Add(diagnostics, [e.ToDiagnostic()], mode, failsAtCreate: true, d => !FileCodes.Contains(d.Code));
            return;
        }

        if (properties is Omitted)
        {
            properties = null;
        }

        var locate = Locator(resource.PropertiesSyntax, resource.NameSpan);
        var effective = properties is IReadOnlyDictionary<string, object?> map ? schema.For(map) : schema;
        var found = new DiagnosticBag();
        var converted = PropertyValidator.Validate(effective, resource.Name, properties, locate, found);
        HeatLeniency.Add(diagnostics, found.ToImmutable(), mode, failsAtCreate: true, d => d.Code != DiagnosticCodes.UnknownProperty);
        // Heat never reads a docker-cmd config before the hook runs it; Hearth refuses a bad one in every mode.
        DockerCmdValidation.Validate(resource, effective.Type, converted, locate, diagnostics);
        NestedTemplates.ValidateWithProperties(definition, resource, converted, catalog, diagnostics, depth, mode);
        ValidateChainMembers(definition, resource, effective.Type, converted, locate, catalog, diagnostics, depth);

        if (resource.UpdatePolicy is null)
        {
            return;
        }

        try
        {
            var policy = resource.UpdatePolicy.Evaluate(context);
            if (policy is IReadOnlyDictionary<string, object?> policyMap)
            {
                var typeKeys = Value.NewMap();
                foreach (var (key, value) in policyMap.Where(kv => !HearthUpdatePolicyKeys.Contains(kv.Key)))
                {
                    typeKeys[key] = value;
                }

                ValidateHearthPolicy(resource, policyMap, diagnostics);
                PropertyValidator.ValidateUpdatePolicy(schema, resource.Name, typeKeys, _ => resource.UpdatePolicy.Span, diagnostics);
            }
        }
        catch (TemplateException e)
        {
            diagnostics.Add(e.ToDiagnostic());
        }
    }

    private static void ValidateHearthPolicy(ResourceDefinition resource, IReadOnlyDictionary<string, object?> policy, DiagnosticBag diagnostics)
    {
        var span = resource.UpdatePolicy?.Span ?? resource.NameSpan;
        if (policy.TryGetValue("replacement", out var replacement) && replacement is not ("create_before_delete" or "delete_before_create" or Unknown))
        {
            diagnostics.Error(span, DiagnosticCodes.PropertyConstraintFailed,
                $"update_policy.replacement of resource '{resource.Name}' must be create_before_delete (the default) or delete_before_create");
        }

        if (policy.TryGetValue("replace_on_change_of", out var names) && names is not (IReadOnlyList<object?> or Unknown))
        {
            diagnostics.Error(span, DiagnosticCodes.PropertyWrongType,
                $"update_policy.replace_on_change_of of resource '{resource.Name}' must be a list of resource, parameter or input names");
        }
    }

    /// <summary>Finds the span of a property path in the written properties; the closest written ancestor when the path was computed.</summary>
    /// <summary>
    /// Each type in an OS::Heat::ResourceChain's <c>resources</c> must resolve as a resource's type does (Heat refuses
    /// the chain's child template otherwise); an unknown one is reported at its item in the list.
    /// </summary>
    private static void ValidateChainMembers(
        StackDefinition definition, ResourceDefinition resource, string type, IReadOnlyDictionary<string, object?> properties,
        PropertyValidator.SpanLocator locate, IResourceTypeCatalog catalog, DiagnosticBag diagnostics, int depth)
    {
        if (type != ChainType || properties.GetValueOrDefault("resources") is not IReadOnlyList<object?> members)
        {
            return;
        }

        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is string memberType)
            {
                ResolveSchema(definition, resource with { Type = memberType, TypeSpan = locate(["resources", i]) }, catalog, diagnostics, depth);
            }
        }
    }

    internal static PropertyValidator.SpanLocator Locator(SyntaxNode? properties, SourceSpan fallback) => path =>
    {
        var node = properties;
        var span = properties?.Span ?? fallback;
        foreach (var step in path)
        {
            switch (node, step)
            {
                case (MappingNode map, string key) when map.Find(key) is { } entry:
                    span = entry.KeySpan;
                    node = entry.Value;
                    break;
                case (SequenceNode list, int index) when index < list.Items.Length:
                    node = list.Items[index];
                    span = node.Span;
                    break;
                default:
                    return span;
            }
        }

        return span;
    };
}
