using System.Collections.Immutable;
using Hearth.Engine.Failures;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources;

/// <summary>The stored state of one resource instance, as a handler sees it.</summary>
/// <param name="Name">The resource name in its stack.</param>
/// <param name="Type">The resource type (after the environment's registry mapped it).</param>
/// <param name="PhysicalId">The id of what the resource made, once created.</param>
/// <param name="Properties">The properties it was last created or updated with (converted to the schema types).</param>
/// <param name="Attributes">Its attribute values, stored when its last action completed.</param>
/// <param name="Data">Private data of the handler (a generated value, a skip list…).</param>
public sealed record ResourceState(
    string Name,
    string Type,
    string? PhysicalId,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyDictionary<string, object?> Data)
{
    /// <summary>
    /// The name the engine gave this instance (<see cref="ResourceRequest.PhysicalName"/>): stable for the instance, so a
    /// handler that names what it makes after it finds that again when a create was interrupted before its physical id
    /// was recorded. Null where the engine does not know it (a group's members).
    /// </summary>
    public string? PhysicalName { get; init; }
}

/// <summary>What a handler is asked to do: the resource, its new properties, and the stack around it.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Type">The resource type.</param>
/// <param name="Properties">The new properties, validated and converted.</param>
/// <param name="Metadata">The resolved metadata.</param>
/// <param name="Stack">The stack the resource belongs to.</param>
/// <param name="PhysicalName">The physical name Heat would give it: <c>STACK-RESOURCE-SHORTID</c>.</param>
public sealed record ResourceRequest(
    string Name,
    string Type,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Metadata,
    StackInfo Stack,
    string PhysicalName)
{
    /// <summary>The resolved <c>update_policy</c> (groups read their rolling_update and batch_create from it).</summary>
    public IReadOnlyDictionary<string, object?> UpdatePolicy { get; init; } = new Dictionary<string, object?>();

    /// <summary>The current resources of the operation's stack, when the engine runs one (null: ask the store).</summary>
    public IOperationResources? Resources { get; init; }
}

/// <summary>
/// The resources the running operation keeps in memory, as up to date as the store and without a trip to it: a
/// deployment reads its config and server here. What is not found here (a parent stack's resource) is in the store.
/// </summary>
public interface IOperationResources
{
    /// <summary>The current instance with this physical id in the operation's stack, or null.</summary>
    ResourceState? FindByPhysicalId(string physicalId);
}

/// <summary>Identity of the stack a resource belongs to.</summary>
public sealed record StackInfo(string Id, string Name, string? ParentStackId);

/// <summary>What a successful action produced: the physical id, the attributes to store, and private data.</summary>
public sealed record ResourceResult(
    string? PhysicalId,
    ImmutableDictionary<string, object?> Attributes,
    ImmutableDictionary<string, object?> Data)
{
    public static ResourceResult Of(string? physicalId, IEnumerable<KeyValuePair<string, object?>>? attributes = null, IEnumerable<KeyValuePair<string, object?>>? data = null) =>
        new(physicalId,
            (attributes ?? []).ToImmutableDictionary(StringComparer.Ordinal),
            (data ?? []).ToImmutableDictionary(StringComparer.Ordinal));
}

/// <summary>A resource action failed for a reason the user should read (a script's exit status, a test failure), as <see cref="Failure"/>.</summary>
public sealed class ResourceFailedException : Exception
{
    public ResourceFailedException(Failure failure)
        : base(failure.Message)
    {
        Failure = failure;
    }

    /// <summary>A failure the resource type reports in its own words (<see cref="FailureKind.ResourceFailed"/>).</summary>
    public ResourceFailedException(string reason)
        : this(new Failure(FailureKind.ResourceFailed, reason))
    {
    }

    public ResourceFailedException(FailureKind kind, string reason)
        : this(new Failure(kind, reason))
    {
    }

    public Failure Failure { get; }
}

/// <summary>
/// The implementation of one resource type: how to create, update and delete it, and how its attributes and
/// reference id are read. Handlers do the work; the engine decides when (graph order, replacement, rollback).
/// </summary>
public abstract class ResourceHandler
{
    public abstract ResourceTypeSchema Schema { get; }

    public string Type => Schema.Type;

    /// <summary>The schema to check these (resolved, unconverted) properties against; a type may refine it by a property's value.</summary>
    public ResourceTypeSchema SchemaFor(IReadOnlyDictionary<string, object?> rawProperties) => Schema.For(rawProperties);

    /// <summary>
    /// Whether the resource exists only as its row in the state: creating, updating or deleting it touches nothing
    /// outside the store (no process, file or service). The engine then goes on without waiting for its steps to
    /// be committed: if the process dies before they are, nothing outside knows of the resource, and a resume simply
    /// makes it again. Anything that does act outside still waits for its own step to be committed, and so for all of
    /// these before it.
    /// </summary>
    public virtual bool IsStoreOnly => false;

    public abstract Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken);

    /// <summary>Updates in place. Called only when <c>NeedsReplace</c> said no.</summary>
    public virtual Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        CreateAsync(request, cancellationToken);

    /// <summary>Deletes; returns what the DELETE_COMPLETE event should say beyond that (null: nothing).</summary>
    public virtual Task<string?> DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// The transports this type's actions run through, if any: before a resume or cancel runs anything, the engine has
    /// each transport stop what a process that died mid-operation left running there (a deployment's script still going
    /// in its own session, here or on a server reached over SSH). Null for types that run nothing outside.
    /// </summary>
    internal virtual Execution.DeploymentTransports? ActionTransport => null;

    /// <summary>
    /// An operation on the stack that holds this (current) resource starts. A type whose actions will reach something
    /// outside may get ready for them here, in the background (a server's transport opens its connection); it must
    /// return at once and not fail the operation.
    /// </summary>
    /// <param name="current">Reads the resource's state (parsed on first use: most types never look).</param>
    internal virtual void OperationStarting(Func<ResourceState> current)
    {
    }

    /// <summary>
    /// The engine is about to converge this resource, together with the others that became ready at the same time;
    /// what is returned is disposed when its step ends. Deployments use it to start on a server in name order.
    /// </summary>
    internal virtual IDisposable? Starting(string resourceName) => null;

    /// <summary>
    /// Whether a change of these properties replaces the resource (the overload with the current state defers to this one). Heat's rule: any changed property that is not
    /// <c>update_allowed</c> replaces it; types may add their own (TestResource's <c>update_replace</c>).
    /// </summary>
    public virtual bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) =>
        changed.Any(name => !Schema.Properties.TryGetValue(name, out var schema) || !schema.UpdateAllowed);

    /// <summary>As the overload without <paramref name="current"/>, for types whose rule depends on what they stored (a deployment's replace_on_change inputs).</summary>
    public virtual bool NeedsReplace(ResourceState current, IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) =>
        NeedsReplace(changed, newProperties);

    /// <summary>
    /// The handler an operation uses for one resource. Types that run child stacks (nested templates, groups) need
    /// the engine and the resource's definition; every other type is its own handler.
    /// </summary>
    internal virtual ResourceHandler ForOperation(EngineContext engine, Templates.Stacks.StackDefinition? definition, Templates.Model.ResourceDefinition? resource) => this;

    /// <summary>The value of <c>get_resource</c> once created (Heat's reference id): the physical id by default.</summary>
    public virtual object? ReferenceId(ResourceState state) => state.PhysicalId ?? state.Name;

    /// <summary>
    /// Whether an update in place leaves <see cref="ReferenceId"/> as it was (the physical id stays): a preview then
    /// knows the <c>get_resource</c> of a resource it will update, and what uses only that is unchanged.
    /// </summary>
    public virtual bool KeepsReferenceOnUpdate => true;

    /// <summary>An attribute value; the stored attributes by default.</summary>
    public virtual object? GetAttribute(ResourceState state, string name) => state.Attributes.GetValueOrDefault(name);

    /// <summary>The <c>show</c> attribute: what the resource is, here its properties.</summary>
    public virtual object? Show(ResourceState state) => state.Properties;

    /// <summary>
    /// An attribute with a <c>get_attr</c> path: by default the attribute, then the path selected in it; types that
    /// build per-path values (a group's <c>attributes</c>) take the path themselves, as Heat passes it to them.
    /// </summary>
    public virtual object? GetAttribute(ResourceState state, string name, IReadOnlyList<object?> path) =>
        Templates.Functions.AttributePath.Select(GetAttribute(state, name), path);
}
