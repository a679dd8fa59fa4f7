using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>
/// A resource whose type is a template (a nested stack): creating it creates a child stack and converges it with
/// the resource's properties as parameters; updating it converges the child to the new properties; deleting it
/// deletes the child. The child's outputs are the resource's attributes. The parent's operation drives everything,
/// rollback included, so the child never rolls back on its own.
/// </summary>
internal sealed class NestedStackHandler : ResourceHandler
{
    private static readonly ResourceTypeSchema AnySchema = ResourceTypeSchema.Create("OS::Heat::Stack", [], [], anyProperties: true, anyAttributes: true);

    private readonly EngineContext? _engine;
    private readonly StackDefinition? _parent;
    private readonly ResourceDefinition? _resource;
    private readonly Template? _template;

    /// <summary>A handler that can only read stored nested resources (references and attributes).</summary>
    public static NestedStackHandler Reader { get; } = new(null, null, null);

    public NestedStackHandler(EngineContext? engine, StackDefinition? parent, ResourceDefinition? resource)
    {
        _engine = engine;
        _parent = parent;
        _resource = resource;
        if (parent is not null && resource is not null)
        {
            var diagnostics = new DiagnosticBag();
            var resolved = parent.ResolveType(resource);
            _template = NestedStacks.ReadTemplate(parent, resource, resolved, diagnostics);
            if (_template is null)
            {
                throw new ResourceFailedException(string.Join("; ", diagnostics.ToImmutable().Select(d => d.ToString())));
            }
        }
    }

    /// <summary>Template types are file paths: absolute after the registry, or a file name as written.</summary>
    public static bool IsTemplateType(string type) =>
        Path.IsPathRooted(type) || type.EndsWith(".yaml", StringComparison.Ordinal) || type.EndsWith(".yml", StringComparison.Ordinal)
        || type.EndsWith(".template", StringComparison.Ordinal) || type.EndsWith(".json", StringComparison.Ordinal);

    public override ResourceTypeSchema Schema => _template is null ? AnySchema : NestedStacks.SchemaOf(_template, _template.File);

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var (engine, parent, resource, template) = Require();
        var now = engine.Time.GetUtcNow();
        var childId = Guid.NewGuid().ToString();
        var childName = request.PhysicalName;
        var definition = Load(parent, resource, template, request.Properties, new StackIdentity(childName, childId, Definitions.ProjectId));
        var child = new StackRecord(childId, childName, request.Stack.Id, request.Name, ResourceAction.Create, OperationStatus.InProgress,
            "Stack CREATE started", now, null, StoredFor(template, request.Properties), null, DisableRollback: true, null);
        await engine.Store.CreateStackAsync(child, cancellationToken);
        var outcome = await new OperationRunner(engine).RunAsync(child, ResourceAction.Create, definition, previous: null, rollbackTo: null, cancellationToken);
        return await ResultAsync(engine, outcome, definition, cancellationToken);
    }

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        var (engine, parent, resource, template) = Require();
        var child = current.PhysicalId is { } id ? await engine.Store.GetStackAsync(id, cancellationToken) : null;
        if (child is null)
        {
            return await CreateAsync(request, cancellationToken);
        }

        var identity = new StackIdentity(child.Name, child.Id, Definitions.ProjectId);
        var definition = Load(parent, resource, template, request.Properties, identity);
        var previous = Load(parent, resource, template, current.Properties, identity);
        child = child with { Current = StoredFor(template, request.Properties), Previous = child.Current, DisableRollback = true };
        var outcome = await new OperationRunner(engine).RunAsync(child, ResourceAction.Update, definition, previous, rollbackTo: null, cancellationToken);
        return await ResultAsync(engine, outcome, definition, cancellationToken);
    }

    public override async Task DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken)
    {
        if (_engine is not { } engine || current.PhysicalId is not { } id || await engine.Store.GetStackAsync(id, cancellationToken) is not { } child)
        {
            return;
        }

        var outcome = await new OperationRunner(engine).RunAsync(child with { DisableRollback = true }, ResourceAction.Delete, target: null, previous: null, rollbackTo: null, cancellationToken);
        if (!outcome.Succeeded)
        {
            throw new ResourceFailedException($"nested stack {child.Name}: {string.Join("; ", outcome.Failures)}");
        }

        await engine.Store.DeleteStackAsync(child.Id, cancellationToken);
    }

    /// <summary>Updating a nested stack is a convergence of the child: every property change is an update in place.</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => false;

    /// <summary>Heat: the nested stack's <c>OS::stack_id</c> output if it has one, else the nested stack's id.</summary>
    public override object? ReferenceId(ResourceState state) =>
        state.Attributes.TryGetValue("OS::stack_id", out var id) && id is not null ? id : state.PhysicalId ?? state.Name;

    private (EngineContext Engine, StackDefinition Parent, ResourceDefinition Resource, Template Template) Require() =>
        _engine is not null && _parent is not null && _resource is not null && _template is not null
            ? (_engine, _parent, _resource, _template)
            : throw new InvalidOperationException("a nested stack handler without its definition can only read");

    private static StackDefinition Load(StackDefinition parent, ResourceDefinition resource, Template template, IReadOnlyDictionary<string, object?> properties, StackIdentity identity)
    {
        var diagnostics = new DiagnosticBag();
        var definition = NestedStacks.Load(parent, resource, template, properties, identity, diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new ResourceFailedException(string.Join("; ", diagnostics.ToImmutable().Where(d => d.IsError).Select(d => d.ToString())));
        }

        return definition;
    }

    private static StoredDefinition StoredFor(Template template, IReadOnlyDictionary<string, object?> properties)
    {
        // A child is always derived from its parent's definition; this records what it was made from, for people.
        var description = Value.NewMap();
        description["template"] = template.File;
        return new StoredDefinition(ValueJson.Serialize(description), "{}", ValueJson.Serialize(properties));
    }

    private static async Task<ResourceResult> ResultAsync(EngineContext engine, OperationOutcome outcome, StackDefinition definition, CancellationToken cancellationToken)
    {
        if (!outcome.Succeeded)
        {
            throw new ResourceFailedException($"nested stack {outcome.Stack.Name} failed: {string.Join("; ", outcome.Failures)}");
        }

        var resources = new RuntimeResources(engine.Handlers);
        foreach (var row in await engine.Store.ListResourcesAsync(outcome.Stack.Id, cancellationToken))
        {
            if (row.IsCurrent)
            {
                resources.Set(row);
            }
        }

        var attributes = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (var output in Definitions.EvaluateOutputs(definition, resources))
        {
            attributes[output.Key] = output.Value;
        }

        return new ResourceResult(outcome.Stack.Id, attributes.ToImmutable(), ImmutableDictionary<string, object?>.Empty);
    }
}
