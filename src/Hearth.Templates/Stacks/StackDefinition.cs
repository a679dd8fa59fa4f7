using System.Collections.Concurrent;
using System.Collections.Immutable;
using Hearth.Templates.Conditions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Expressions;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;

namespace Hearth.Templates.Stacks;

/// <summary>
/// A template made concrete for one stack: its environment, resolved parameter values, conditions and files.
/// It knows which resources are enabled, what type each resolves to through the registry, and what each depends
/// on; and it evaluates expressions against any view of the resources (<see cref="IResourceLookup"/>).
/// Immutable once loaded; safe to share between threads.
/// </summary>
public sealed class StackDefinition
{
    private readonly ConditionResolver _conditions;
    private readonly Lazy<ImmutableArray<ResourceDefinition>> _enabled;
    // Found per resource when first asked: an update that changes one of 10,000 resources asks for a few.
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _dependencies = new(StringComparer.Ordinal);
    private readonly Lazy<ImmutableHashSet<string>> _enabledNames;
    private readonly DiagnosticBag _loadDiagnostics;
    private readonly Lazy<Dictionary<string, HashSet<string>>> _outputAttributes;
    private readonly Lazy<HiddenValues> _hidden;

    // The registry's answer depends only on the resource's name and type (and this definition's nesting): an operation
    // asks several times per resource, and the answer costs a walk of the registry.
    private readonly ConcurrentDictionary<(string Name, string Type), ResolvedResourceType> _resolvedTypes = new();

    internal StackDefinition(
        Template template,
        StackEnvironment environment,
        ResolvedParameters parameters,
        ConditionSet conditionSet,
        TemplateFileSource files,
        StackIdentity identity,
        ImmutableArray<string> nestedPath,
        DiagnosticBag diagnostics)
    {
        Template = template;
        Environment = environment;
        Parameters = parameters;
        ConditionSet = conditionSet;
        Files = files;
        Identity = identity;
        NestedPath = nestedPath;
        _loadDiagnostics = diagnostics;
        _conditions = conditionSet.CreateResolver(CreateContext(UnresolvedResources.Instance));
        _enabled = new(FindEnabled);
        _outputAttributes = new(FindOutputAttributes);
        _hidden = new(() => HiddenValues.Of(this));
        _enabledNames = new(() => _enabled.Value.Select(r => r.Name).ToImmutableHashSet(StringComparer.Ordinal));
    }

    public Template Template { get; }

    public StackEnvironment Environment { get; }

    public ResolvedParameters Parameters { get; }

    public ConditionSet ConditionSet { get; }

    public TemplateFileSource Files { get; }

    public StackIdentity Identity { get; }

    /// <summary>The names of the resources this stack is nested in, outermost first (empty for a top-level stack).</summary>
    public ImmutableArray<string> NestedPath { get; }

    /// <summary>When true (template validation), a declared parameter with no value is "known after apply", not an error.</summary>
    public bool MissingParametersAreUnknown { get; init; }

    /// <summary>For a nested stack: its parent's hidden values, which reach it through properties and stay hidden in it.</summary>
    public HiddenValues? InheritedHidden { get; init; }

    /// <summary>What this stack's hidden parameters (and its parents') hold, for masking what users see.</summary>
    public HiddenValues Hidden => _hidden.Value;

    /// <summary>The host's templates read lately: nested templates and group members are read through it.</summary>
    public required TemplateCache Templates { get; init; }

    /// <summary>For a nested stack: the parent resource's <c>resource_facade</c> values.</summary>
    public ResourceFacade? Facade { get; init; }

    /// <summary>The resources whose condition is true, in template order.</summary>
    public ImmutableArray<ResourceDefinition> EnabledResources => _enabled.Value;

    /// <summary>
    /// Whether a resource's condition is true. From the enabled list, not the dependency map: finding dependencies
    /// evaluates computed resource names (<c>get_resource: {get_resource: x}</c>), which asks this again.
    /// </summary>
    public bool IsEnabled(string name) => _enabledNames.Value.Contains(name);

    internal ConditionResolver Conditions(EvaluationContext context) => _conditions;

    /// <summary>An evaluation context over the given resource values.</summary>
    public EvaluationContext CreateContext(IResourceLookup resources) => new StackEvaluationContext(this, resources);

    /// <summary>The resource type after the environment's registry: a type name, or a template path for a nested stack.</summary>
    public ResolvedResourceType ResolveType(ResourceDefinition resource) =>
        _resolvedTypes.GetOrAdd((resource.Name, resource.Type), static (key, self) => self.Environment.Registry.ResolveType(key.Name, key.Type, self.NestedPath), this);

    /// <summary>The type an engine acts on: the registry's type name, or the absolute path of a nested template.</summary>
    public string ResolvedType(ResourceDefinition resource) => ResolveType(resource) is var t && t.IsTemplate ? t.TemplatePath ?? t.Type : t.Type;

    /// <summary>The enabled resources this one depends on: <c>get_resource</c>/<c>get_attr</c> in properties and metadata, and <c>depends_on</c>.</summary>
    public IReadOnlyList<string> DependenciesOf(ResourceDefinition resource) =>
        IsEnabled(resource.Name) ? _dependencies.GetOrAdd(resource.Name, name => FindDependencies(Template.FindResource(name) ?? resource)) : [];

    /// <summary>
    /// The attributes of a resource that outputs name without a path (<c>get_attr: [resource, name]</c>), <c>show</c>
    /// aside: with the type's own, they make up <c>get_attr: [resource]</c>, as Heat's dynamic attributes do.
    /// </summary>
    public IReadOnlySet<string> OutputAttributeNames(string resourceName) => _outputAttributes.Value.TryGetValue(resourceName, out var names) ? names : [];

    /// <summary>Evaluates a resource's or output's <c>condition</c>.</summary>
    public bool IsConditionTrue(Expression? condition) => condition is null || _conditions.Evaluate(condition);

    private ImmutableArray<ResourceDefinition> FindEnabled()
    {
        var enabled = ImmutableArray.CreateBuilder<ResourceDefinition>();
        foreach (var resource in Template.Resources)
        {
            try
            {
                if (IsConditionTrue(resource.Condition))
                {
                    enabled.Add(resource);
                }
            }
            catch (TemplateException e)
            {
                _loadDiagnostics.Add(e.ToDiagnostic());
            }
        }

        return enabled.ToImmutable();
    }

    private Dictionary<string, HashSet<string>> FindOutputAttributes()
    {
        var names = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var references = Template.Outputs.SelectMany(o => o.Value.DescendantsAndSelf()).OfType<Functions.GetAttrFunction>();
        foreach (var reference in references.Where(r => !r.HasPath))
        {
            if (reference is { ResourceName: { } resource, AttributeName: { } attribute } && attribute != Schema.ResourceTypeSchema.ShowAttribute)
            {
                var forResource = names.TryGetValue(resource, out var set) ? set : names[resource] = new(StringComparer.Ordinal);
                forResource.Add(attribute);
            }
        }

        return names;
    }

    private List<string> FindDependencies(ResourceDefinition resource)
    {
        var context = CreateContext(UnresolvedResources.Instance);
        var names = new List<string>();
        foreach (var source in resource.DependencySources)
        {
            foreach (var reference in References(source, context))
            {
                if (ReferencedName(reference, context) is { } name && IsEnabled(name) && !names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        // depends_on naming a disabled resource is ignored, as in Heat; an unknown name is a validation error.
        foreach (var dependency in resource.DependsOn)
        {
            if (IsEnabled(dependency.Name) && !names.Contains(dependency.Name))
            {
                names.Add(dependency.Name);
            }
        }

        return names;
    }

    /// <summary>The resource references that take part in evaluation (the untaken branch of an <c>if</c> makes none).</summary>
    public static IEnumerable<IResourceReference> References(Expression expression, EvaluationContext context)
    {
        var stack = new Stack<Expression>();
        stack.Push(expression);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is IResourceReference reference)
            {
                yield return reference;
            }

            IEnumerable<Expression> children;
            try
            {
                children = current.ActiveChildren(context);
            }
            catch (TemplateException)
            {
                children = current.Children;
            }

            foreach (var child in children)
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>The resource a reference names: literal, or computed from parameters.</summary>
    public static string? ReferencedName(IResourceReference reference, EvaluationContext context)
    {
        if (reference.ResourceName is { } literal)
        {
            return literal;
        }

        try
        {
            return reference.ResourceNameExpression.Evaluate(context) as string;
        }
        catch (TemplateException)
        {
            return null;
        }
    }
}
