using Hearth.Engine.Failures;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>A child stack after an operation: its record, its current resources and its outputs.</summary>
internal sealed record ChildResult(StackRecord Stack, IReadOnlyList<ResourceRecord> Resources, IReadOnlyList<OutputValue> Outputs);

/// <summary>
/// Creating, converging and deleting child stacks (nested templates, groups) within the parent's operation. The
/// parent's operation drives everything, rollback included, so a child never rolls back on its own.
/// </summary>
internal static class ChildStacks
{
    public static async Task<ChildResult> CreateAsync(
        EngineContext engine, StackDefinition parent, ResourceDefinition resource, Template template,
        IReadOnlyDictionary<string, object?> parameters, ResourceRequest request, CancellationToken cancellationToken)
    {
        var now = engine.Time.GetUtcNow();
        var childId = Guid.NewGuid().ToString();
        var definition = Load(parent, resource, template, parameters, new StackIdentity(request.PhysicalName, childId, Definitions.ProjectId), request);
        var child = new StackRecord(childId, request.PhysicalName, request.Stack.Id, request.Name, ResourceAction.Create, OperationStatus.InProgress,
            "Stack CREATE started", now, null, Describe(template, parameters), null, DisableRollback: true, null);
        await engine.Store.CreateStackAsync(child, cancellationToken);
        var outcome = await new OperationRunner(engine).RunAsync(child, ResourceAction.Create, definition, previous: null, rollbackTo: null, cancellationToken);
        return await ResultAsync(engine, outcome, definition, cancellationToken);
    }

    /// <summary>Converges the child to the new template and parameters; creates it if it is gone.</summary>
    public static async Task<ChildResult> UpdateAsync(
        EngineContext engine, StackDefinition parent, ResourceDefinition resource, Template template,
        IReadOnlyDictionary<string, object?> parameters, Template previousTemplate, IReadOnlyDictionary<string, object?> previousParameters,
        ResourceState current, ResourceRequest request, CancellationToken cancellationToken)
    {
        var child = current.PhysicalId is { } id ? await engine.Store.GetStackAsync(id, cancellationToken) : null;
        if (child is null)
        {
            return await CreateAsync(engine, parent, resource, template, parameters, request, cancellationToken);
        }

        var identity = new StackIdentity(child.Name, child.Id, Definitions.ProjectId);
        var definition = Load(parent, resource, template, parameters, identity, request);
        var previous = Load(parent, resource, previousTemplate, previousParameters, identity, request);
        child = child with { Current = Describe(template, parameters), Previous = child.Current, DisableRollback = true };
        var outcome = await new OperationRunner(engine).RunAsync(child, ResourceAction.Update, definition, previous, rollbackTo: null, cancellationToken);
        return await ResultAsync(engine, outcome, definition, cancellationToken);
    }

    public static async Task DeleteAsync(EngineContext engine, string? childId, CancellationToken cancellationToken)
    {
        if (childId is null || await engine.Store.GetStackAsync(childId, cancellationToken) is not { } child)
        {
            return;
        }

        var outcome = await new OperationRunner(engine).RunAsync(child with { DisableRollback = true }, ResourceAction.Delete, target: null, previous: null, rollbackTo: null, cancellationToken);
        if (!outcome.Succeeded)
        {
            throw new ResourceFailedException(Inside($"nested stack {child.Name}", outcome));
        }

        await engine.Store.DeleteStackAsync(child.Id, cancellationToken);
    }

    private static StackDefinition Load(StackDefinition parent, ResourceDefinition resource, Template template, IReadOnlyDictionary<string, object?> parameters, StackIdentity identity, ResourceRequest request)
    {
        // resource_facade in the child reads the parent resource as the engine resolved it.
        var diagnostics = new DiagnosticBag();
        var facade = ResourceFacade.Resolved(resource, parent.CreateContext(UnresolvedResources.Instance), request.Metadata, request.UpdatePolicy);
        var definition = NestedStacks.Load(parent, resource, template, parameters, identity, diagnostics, facade);
        if (diagnostics.HasErrors)
        {
            throw new ResourceFailedException(FailureKind.InvalidInput, string.Join("; ", diagnostics.ToImmutable().Where(d => d.IsError).Select(d => d.ToString())));
        }

        return definition;
    }

    /// <summary>A child is always derived from its parent's definition; this records what it was made from, for people.</summary>
    private static StoredDefinition Describe(Template template, IReadOnlyDictionary<string, object?> parameters)
    {
        var description = Value.NewMap();
        description["template"] = template.File;
        return new StoredDefinition(ValueJson.Serialize(description), "{}", ValueJson.Serialize(parameters), template.Description);
    }

    private static async Task<ChildResult> ResultAsync(EngineContext engine, OperationOutcome outcome, StackDefinition definition, CancellationToken cancellationToken)
    {
        if (!outcome.Succeeded)
        {
            throw new ResourceFailedException(Inside($"nested stack {outcome.Stack.Name} failed", outcome));
        }

        var rows = (await engine.Store.ListResourcesAsync(outcome.Stack.Id, cancellationToken)).Where(r => r.IsCurrent).ToList();
        var resources = new RuntimeResources(engine.Handlers);
        foreach (var row in rows)
        {
            resources.Set(row);
        }

        return new ChildResult(outcome.Stack, rows, Definitions.EvaluateOutputs(definition, resources));
    }

    /// <summary>A child's failures as the failure of the resource that holds it; each keeps its own kind inside.</summary>
    private static Failure Inside(string what, OperationOutcome outcome) =>
        new(FailureKind.DependencyFailed, $"{what}: {string.Join("; ", outcome.Failures)}") { Inner = outcome.Failures };
}
