using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;

namespace Hearth.Engine;

/// <summary>Loads the definitions a stack record holds (current or previous), for operations and reads alike.</summary>
internal sealed class StoredDefinitions(ResourceHandlerRegistry handlers, EngineOptions options)
{
    public static StackIdentity Identity(StackRecord stack) => new(stack.Name, stack.Id, Definitions.ProjectId);

    public StackDefinition Load(DefinitionSource source, StackIdentity identity) => Definitions.Load(source, identity, handlers, options.Documents, options.Templates);

    /// <inheritdoc cref="Definitions.Validate"/>
    public ImmutableArray<Diagnostic> Validate(DefinitionSource source) => Definitions.Validate(source, options.Templates, options.Documents);

    public StackDefinition Load(StackRecord stack, StoredDefinition stored) => Load(Definitions.Restore(stored), Identity(stack));

    /// <summary>The stack's current definition, or null when it cannot be loaded any more (a delete must still work).</summary>
    public StackDefinition? TryLoad(StackRecord stack) => TryLoad(stack, stack.Current);

    public StackDefinition? TryLoad(StackRecord stack, StoredDefinition? stored)
    {
        try
        {
            return stored is null ? null : Load(stack, stored);
        }
        catch (EngineException)
        {
            return null;
        }
    }
}
