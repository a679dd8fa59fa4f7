using System.Collections.Concurrent;
using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Stacks;

namespace Hearth.Engine;

/// <summary>Reads of stacks, resources, outputs, events, parameters and graphs, as a user may see them: hidden values masked.</summary>
internal sealed class StackQueries(IStateStore store, ResourceHandlerRegistry handlers, StoredDefinitions definitions)
{
    private const int MaxKnownDefinitions = 256;

    // Every GET of a stack (how Heat's clients wait: they poll it) shows its parameters, and loading a 10,000-resource
    // definition for them took 48 ms a request: what a show needs of the definition is kept per stack while it is the same.
    private readonly ConcurrentDictionary<string, (StoredDefinition Definition, StackTemplateSummary Summary)> _known = new(StringComparer.Ordinal);

    public async Task<StackRecord> GetStackAsync(string name, CancellationToken cancellationToken) =>
        await store.GetStackByNameAsync(name, cancellationToken)
        ?? throw EngineException.StackNotFound(name);

    /// <summary>The top-level stacks with their templates' descriptions, as their definitions keep them (see <see cref="Description"/>).</summary>
    public async Task<IReadOnlyList<ListedStack>> ListStacksAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListStacksAsync(cancellationToken)).Select(stack => new ListedStack(stack, Description(stack)))];

    /// <summary>
    /// The stack's template's description: kept with its definition, so a list reads no template; for a definition
    /// stored before the store kept it (schema step 7), read from the template once per definition (as a show reads it),
    /// until an operation stores the definition again.
    /// </summary>
    private string Description(StackRecord stack)
    {
        if (stack.Current is not { } current)
        {
            return "";
        }

        if (current.Description is { } kept)
        {
            return kept;
        }

        try
        {
            return Summary(stack, current).Description;
        }
        catch (EngineException)
        {
            // A definition that cannot be read any more fails the stack's own commands, not the list of every stack.
            return "";
        }
    }

    /// <summary>The stack's parameters as a user may see them (hidden ones masked) and its template's description.</summary>
    public async Task<StackTemplateSummary> GetTemplateSummaryAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        return stack.Current is { } current ? Summary(stack, current) : new StackTemplateSummary(ImmutableSortedDictionary<string, string>.Empty, "");
    }

    private StackTemplateSummary Summary(StackRecord stack, StoredDefinition current)
    {
        if (_known.TryGetValue(stack.Id, out var known) && known.Definition == current)
        {
            return known.Summary;
        }

        var definition = definitions.Load(stack, current);
        if (_known.Count >= MaxKnownDefinitions)
        {
            _known.Clear();
        }

        var summary = new StackTemplateSummary(definition.Parameters.Masked(), definition.Template.Description);
        _known[stack.Id] = (current, summary);
        return summary;
    }

    /// <summary>The stack's current resources, as a user may see them (hidden values masked).</summary>
    public async Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var (definition, hidden) = Shown(stack);
        return ShownValues.Resources([.. (await store.ListResourcesAsync(stack.Id, cancellationToken)).Where(r => r.IsCurrent)], definition, hidden);
    }

    /// <summary>
    /// The stack's resources and, down to <paramref name="nestedDepth"/> levels, those of its nested stacks, each with its
    /// stack's name; hidden values masked (the stack's own reach its nested stacks through properties).
    /// </summary>
    public async Task<IReadOnlyList<StackResource>> ListResourcesAsync(string name, int nestedDepth, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        var (definition, hidden) = Shown(stack);
        var result = new List<StackResource>();
        await CollectAsync(stack, nestedDepth, definition);
        return result;

        async Task CollectAsync(StackRecord current, int depth, StackDefinition? currentDefinition)
        {
            var children = depth > 0 ? (await store.ListChildStacksAsync(current.Id, cancellationToken)).ToDictionary(c => c.Id) : [];
            var rows = (await store.ListResourcesAsync(current.Id, cancellationToken)).Where(r => r.IsCurrent).ToList();
            foreach (var row in ShownValues.Resources(rows, currentDefinition, hidden))
            {
                result.Add(new StackResource(current.Name, row));
                if (row.PhysicalId is { } id && children.TryGetValue(id, out var child))
                {
                    await CollectAsync(child, depth - 1, null);
                }
            }
        }
    }

    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string name, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        return await store.ListEventsAsync(stack.Id, afterSequence, limit, includeNested: true, cancellationToken);
    }

    /// <summary>The stack's outputs, evaluated from stored attributes (so they are the same after a rollback as before the update).</summary>
    public async Task<IReadOnlyList<OutputValue>> GetOutputsAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        if (stack.Current is null)
        {
            return [];
        }

        var definition = definitions.Load(stack, stack.Current);
        var resources = new RuntimeResources(handlers);
        foreach (var row in await store.ListResourcesAsync(stack.Id, cancellationToken))
        {
            if (row.IsCurrent)
            {
                resources.Set(row);
            }
        }

        return ShownValues.Outputs(definition, resources, HiddenValues.Of(definition, definitions.TryLoad(stack, stack.Previous)));
    }

    /// <summary>The stack's dependency graph: each enabled resource, its type, status and what it depends on.</summary>
    public async Task<IReadOnlyList<GraphNode>> GetGraphAsync(string name, CancellationToken cancellationToken)
    {
        var stack = await GetStackAsync(name, cancellationToken);
        if (stack.Current is null)
        {
            return [];
        }

        var definition = definitions.Load(stack, stack.Current);
        var rows = (await store.ListResourcesAsync(stack.Id, cancellationToken)).Where(r => r.IsCurrent).ToDictionary(r => r.Name, StringComparer.Ordinal);
        return definition.EnabledResources
            .Select(r => new GraphNode(r.Name, definition.ResolvedType(r), definition.DependenciesOf(r),
                rows.TryGetValue(r.Name, out var row) ? HeatStatus.Format(row.Action, row.Status) : null))
            .ToList();
    }

    /// <summary>
    /// What reads of a stack mask: the hidden values of its current definition and of the one before it (whose values
    /// the rows of a failed or rolled-back update may still hold).
    /// </summary>
    private (StackDefinition? Current, HiddenValues Hidden) Shown(StackRecord stack)
    {
        var current = definitions.TryLoad(stack);
        return (current, HiddenValues.Of(current, definitions.TryLoad(stack, stack.Previous)));
    }
}
