using System.Collections.Immutable;
using Hearth.Engine.Failures;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>
/// A resource whose type is a template (a nested stack): creating it creates a child stack and converges it with
/// the resource's properties as parameters; updating it converges the child to the new properties; deleting it
/// deletes the child. The child's outputs are the resource's attributes. The parent's operation drives everything,
/// rollback included, so the child never rolls back on its own.
/// </summary>
internal sealed class NestedStackHandler : ChildStackHandler
{
    private static readonly ResourceTypeSchema AnySchema = ResourceTypeSchema.Create("OS::Heat::Stack", [], [], anyProperties: true, anyAttributes: true);

    private readonly Template? _template;

    /// <summary>A handler that can only read stored nested resources (references and attributes).</summary>
    public static NestedStackHandler Reader { get; } = new(null, null, null);

    public NestedStackHandler(EngineContext? engine, StackDefinition? parent, ResourceDefinition? resource)
        : base(engine, parent, resource)
    {
        if (parent is not null && resource is not null)
        {
            var diagnostics = new DiagnosticBag();
            var resolved = parent.ResolveType(resource);
            _template = NestedStacks.ReadTemplate(parent, resource, resolved, diagnostics);
            if (_template is null)
            {
                throw new ResourceFailedException(FailureKind.InvalidInput, string.Join("; ", diagnostics.ToImmutable().Select(d => d.ToString())));
            }
        }
    }

    /// <summary>Template types are file paths: absolute after the registry, or a file name as written.</summary>
    public static bool IsTemplateType(string type) =>
        Path.IsPathRooted(type) || type.EndsWith(".yaml", StringComparison.Ordinal) || type.EndsWith(".yml", StringComparison.Ordinal)
        || type.EndsWith(".template", StringComparison.Ordinal) || type.EndsWith(".json", StringComparison.Ordinal);

    protected override ChildStackHandler Bind(EngineContext engine, StackDefinition? definition, ResourceDefinition? resource) =>
        new NestedStackHandler(engine, definition, resource);

    public override ResourceTypeSchema Schema => _template is null ? AnySchema : NestedStacks.SchemaOf(_template, _template.File);

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var template = Template();
        return Result(await ChildStacks.CreateAsync(engine, parent, resource, template, request.Properties, request, cancellationToken));
    }

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        var (engine, parent, resource) = Require();
        var template = Template();
        return Result(await ChildStacks.UpdateAsync(engine, parent, resource, template, request.Properties, template, current.Properties, current, request, cancellationToken));
    }

    /// <summary>Updating a nested stack is a convergence of the child: every property change is an update in place.</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => false;

    /// <summary>Its reference may be an output of the child, which an update may change.</summary>
    public override bool KeepsReferenceOnUpdate => false;

    /// <summary>Heat: the nested stack's <c>OS::stack_id</c> output if it has one, else the nested stack's id.</summary>
    public override object? ReferenceId(ResourceState state) =>
        state.Attributes.TryGetValue("OS::stack_id", out var id) && id is not null ? id : state.PhysicalId ?? state.Name;

    /// <summary>The nested template, which a handler bound to an operation read when it was made.</summary>
    private Template Template() => _template ?? throw new InvalidOperationException("a nested stack handler without its template can only read");

    /// <summary>The child's outputs are the resource's attributes.</summary>
    private static ResourceResult Result(ChildResult child) => new(
        child.Stack.Id,
        child.Outputs.ToImmutableDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal),
        ImmutableDictionary<string, object?>.Empty);
}
