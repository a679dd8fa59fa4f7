using System.Collections.Immutable;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// Decides what happens to each resource: the one rule set that both an operation (with real values) and a
/// preview (with "known after apply" for values other changes will produce) use.
/// </summary>
internal static class Planner
{
    /// <summary>The decision for one resource, given its current instance and its newly evaluated properties.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="type">The resource type the new definition asks for.</param>
    /// <param name="handler">The type's handler.</param>
    /// <param name="current">The current instance, if any.</param>
    /// <param name="properties">The new properties, converted; may hold <see cref="Unknown"/> values in a preview.</param>
    /// <param name="metadata">The new metadata.</param>
    /// <param name="replaceTriggers">The <c>replace_on_change_of</c> names that changed.</param>
    /// <param name="canRestore">Rollback only: the instance this one replaced is there to make current again.</param>
    public static ResourceChange Decide(
        string name,
        string type,
        ResourceHandler handler,
        ResourceRecord? current,
        IReadOnlyDictionary<string, object?> properties,
        IReadOnlyDictionary<string, object?> metadata,
        IReadOnlyList<string> replaceTriggers,
        bool canRestore)
    {
        if (current is null)
        {
            return new ResourceChange(name, type, ChangeKind.Create, "new resource", []);
        }

        if (current is { Action: ResourceAction.Create, Status: OperationStatus.InProgress })
        {
            return new ResourceChange(name, type, ChangeKind.Create, "resuming an interrupted create", []);
        }

        if (canRestore)
        {
            return new ResourceChange(name, type, ChangeKind.Restore, "restoring the instance it replaced", []);
        }

        // A failed update or rollback left the instance in place (its stored properties are still the ones it had): it
        // is updated again, so a rollback brings back the same physical resource. A failed create or delete, an
        // interrupted delete, or a never-acted-on instance may not really exist: it is replaced.
        var updatable = current.PhysicalId is not null && current.Action is ResourceAction.Update or ResourceAction.Rollback;
        var interrupted = current.Status == OperationStatus.InProgress;
        if (current.Action == ResourceAction.Init || (!updatable && (current.Status == OperationStatus.Failed || interrupted)))
        {
            return new ResourceChange(name, type, ChangeKind.Replace, $"it is {HeatStatus.Format(current.Action, current.Status)}", []);
        }

        if (current.Type != type)
        {
            return new ResourceChange(name, type, ChangeKind.Replace, $"its type changed from {current.Type} to {type}", []);
        }

        var oldProperties = ValueJson.DeserializeMap(current.PropertiesJson);
        var changed = properties.Keys.Union(oldProperties.Keys)
            .Where(k => !Value.DeepEquals(properties.GetValueOrDefault(k), oldProperties.GetValueOrDefault(k)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var unknown = changed.Any(k => Value.ContainsUnknown(properties.GetValueOrDefault(k)));
        if (replaceTriggers.Count > 0)
        {
            return new ResourceChange(name, type, ChangeKind.Replace, $"replace_on_change_of: {string.Join(", ", replaceTriggers)} changed", changed, unknown);
        }

        if (changed.Count == 0)
        {
            // An instance whose update failed or was interrupted is never left as it is: updating it (to what it was
            // before, on a rollback or cancel) ends its IN_PROGRESS or FAILED state.
            return !Value.DeepEquals(metadata, ValueJson.DeserializeMap(current.MetadataJson))
                ? new ResourceChange(name, type, ChangeKind.Update, "its metadata changed", changed)
                : current.Status != OperationStatus.Complete
                    ? new ResourceChange(name, type, ChangeKind.Update, $"it is {HeatStatus.Format(current.Action, current.Status)}", changed)
                    : new ResourceChange(name, type, ChangeKind.Unchanged, "", changed);
        }

        var reason = $"{(changed.Count == 1 ? "property" : "properties")} {string.Join(", ", changed)} {(unknown ? "may change (known after apply)" : "changed")}";
        var kind = handler.NeedsReplace(RowMapping.ToState(current), changed.ToHashSet(StringComparer.Ordinal), properties) ? ChangeKind.Replace : ChangeKind.Update;
        return new ResourceChange(name, type, kind, reason, changed, unknown);
    }

    /// <summary>
    /// What an update to <paramref name="target"/> would do, without doing it. Resources are visited in dependency
    /// order; a resource that will change makes its attributes unknown to the resources after it.
    /// </summary>
    public static ImmutableArray<ResourceChange> Preview(StackDefinition target, StackDefinition? previous, IReadOnlyList<ResourceRecord> rows, ResourceHandlerRegistry handlers)
    {
        var current = rows.Where(r => r.IsCurrent).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var lookup = new PreviewResources(handlers);
        foreach (var row in current.Values)
        {
            lookup.Stored.Set(row);
        }

        var changes = ImmutableArray.CreateBuilder<ResourceChange>();
        var definitions = target.EnabledResources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var definition in TopologicalOrder(target, definitions))
        {
            var type = target.ResolvedType(definition);
            var handler = handlers.Find(type);
            current.TryGetValue(definition.Name, out var row);
            if (handler is null)
            {
                changes.Add(new ResourceChange(definition.Name, type, row is null ? ChangeKind.Create : ChangeKind.Replace, $"unknown resource type {type}", []));
                continue;
            }

            ResourceChange change;
            try
            {
                var context = target.CreateContext(lookup);
                var raw = definition.Properties.Evaluate(context);
                var rawProperties = raw is Omitted ? null : raw;
                var schema = handler.SchemaFor(rawProperties as IReadOnlyDictionary<string, object?> ?? Value.NewMap());
                var properties = PropertyValidator.Validate(schema, definition.Name, rawProperties, _ => definition.NameSpan, new DiagnosticBag());
                var metadata = definition.Metadata?.Evaluate(context) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
                var triggers = ReplaceTriggers(definition, context, target, previous, lookup.Changing);
                change = Decide(definition.Name, type, handler, row, properties, metadata, triggers, canRestore: false);
            }
            catch (TemplateException e)
            {
                change = new ResourceChange(definition.Name, type, row is null ? ChangeKind.Create : ChangeKind.Update, $"cannot evaluate yet: {e.Message}", [], true);
            }

            if (change.Kind != ChangeKind.Unchanged)
            {
                lookup.Changing.Add(definition.Name);
                if (change.Kind == ChangeKind.Update && handler.KeepsReferenceOnUpdate)
                {
                    lookup.KeepingReference.Add(definition.Name);
                }
            }

            changes.Add(change);
        }

        foreach (var row in current.Values.Where(r => !definitions.ContainsKey(r.Name)).OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            changes.Add(new ResourceChange(row.Name, row.Type, ChangeKind.Delete, "not in the new template (or its condition is false)", []));
        }

        return changes.ToImmutable();
    }

    internal static IReadOnlyList<string> ReplaceTriggers(
        ResourceDefinition definition,
        Templates.Expressions.EvaluationContext context,
        StackDefinition target,
        StackDefinition? previous,
        ICollection<string> changedResources)
    {
        if (definition.UpdatePolicy?.Evaluate(context) is not IReadOnlyDictionary<string, object?> policy
            || policy.GetValueOrDefault("replace_on_change_of") is not IReadOnlyList<object?> names)
        {
            return [];
        }

        return Triggered(names.Select(Value.ToPythonString), target, previous, changedResources.Contains);
    }

    /// <summary>The names of <c>replace_on_change_of</c> that changed: resources changed by this operation, or parameters whose value differs.</summary>
    internal static IReadOnlyList<string> Triggered(IEnumerable<string> names, StackDefinition target, StackDefinition? previous, Func<string, bool> resourceChanged) =>
        names.Where(name => resourceChanged(name) || ParameterChanged(target, previous, name)).ToList();

    private static bool ParameterChanged(StackDefinition target, StackDefinition? previous, string name) =>
        previous is not null
        && target.Parameters.TryGetValue(name, out var now)
        && previous.Parameters.TryGetValue(name, out var before)
        && !Value.DeepEquals(now, before);

    /// <summary>Resources in an order where each comes after everything it depends on (cycles were refused at load).</summary>
    public static IEnumerable<ResourceDefinition> TopologicalOrder(StackDefinition target, IReadOnlyDictionary<string, ResourceDefinition> definitions)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<ResourceDefinition>(definitions.Count);
        foreach (var root in definitions.Keys)
        {
            if (visited.Contains(root))
            {
                continue;
            }

            var stack = new Stack<(string Name, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (name, expanded) = stack.Pop();
                if (expanded)
                {
                    order.Add(definitions[name]);
                    continue;
                }

                if (!visited.Add(name))
                {
                    continue;
                }

                stack.Push((name, true));
                foreach (var dependency in target.DependenciesOf(definitions[name]))
                {
                    if (definitions.ContainsKey(dependency) && !visited.Contains(dependency))
                    {
                        stack.Push((dependency, false));
                    }
                }
            }
        }

        return order;
    }

    /// <summary>
    /// Stored resources, except that anything changing in the preview is "known after apply" — but for the reference of
    /// a resource updated in place, which stays (<see cref="ResourceHandler.KeepsReferenceOnUpdate"/>).
    /// </summary>
    private sealed class PreviewResources(ResourceHandlerRegistry handlers) : IResourceLookup
    {
        public RuntimeResources Stored { get; } = new(handlers);

        public HashSet<string> Changing { get; } = new(StringComparer.Ordinal);

        public HashSet<string> KeepingReference { get; } = new(StringComparer.Ordinal);

        public object? GetReference(string resourceName, SourceSpan span) =>
            (Changing.Contains(resourceName) && !KeepingReference.Contains(resourceName)) || Stored.Get(resourceName) is null
                ? Unknown.Value
                : Stored.GetReference(resourceName, span);

        public object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span) =>
            Changing.Contains(resourceName) || Stored.Get(resourceName) is null ? Unknown.Value : Stored.GetAttribute(resourceName, attributeName, path, span);

        public object? GetAllAttributes(string resourceName, SourceSpan span) =>
            Changing.Contains(resourceName) || Stored.Get(resourceName) is null ? Unknown.Value : Stored.GetAllAttributes(resourceName, span);
    }
}
