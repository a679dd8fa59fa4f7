using Hearth.Templates.Model;
using Hearth.Templates.Stacks;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>
/// What the types that keep their work in a child stack (a nested template, ResourceGroup, ResourceChain) share: the
/// handler registered for the type only reads stored rows; <see cref="ResourceHandler.ForOperation"/> makes one bound to
/// the operation's engine, the parent's definition and the resource, which creates and converges the child; deleting
/// deletes the child stack, bound or not.
/// </summary>
internal abstract class ChildStackHandler(EngineContext? engine, StackDefinition? parent, ResourceDefinition? resource) : ResourceHandler
{
    /// <summary>A handler bound to an operation, for this resource (<paramref name="definition"/> is the stack it is in).</summary>
    protected abstract ChildStackHandler Bind(EngineContext engine, StackDefinition? definition, ResourceDefinition? resource);

    internal sealed override ResourceHandler ForOperation(EngineContext engine, StackDefinition? definition, ResourceDefinition? resource) =>
        Bind(engine, definition, resource);

    public override async Task<string?> DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken)
    {
        if (engine is not null)
        {
            await ChildStacks.DeleteAsync(engine, current.PhysicalId, cancellationToken);
        }

        return null;
    }

    /// <summary>What a create or an update needs; only a handler bound to an operation has it.</summary>
    protected (EngineContext Engine, StackDefinition Parent, ResourceDefinition Resource) Require() =>
        engine is not null && parent is not null && resource is not null
            ? (engine, parent, resource)
            : throw new InvalidOperationException($"a {GetType().Name} without its definition can only read");
}
