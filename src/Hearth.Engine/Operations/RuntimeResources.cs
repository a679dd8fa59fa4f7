using System.Collections.Concurrent;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Functions;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// The resources of a stack as functions see them while an operation runs: the current instance of each name,
/// read from rows the operation keeps up to date. Before a resource is created, <c>get_resource</c> is its name
/// and <c>get_attr</c> is null, as in Heat.
/// </summary>
internal sealed class RuntimeResources(ResourceHandlerRegistry handlers) : IResourceLookup, IOperationResources
{
    // The decoded state is kept beside its row: attributes are read far more often than rows change. It is decoded on
    // first use: an operation loads every row of the stack, but most are never read through a function (an update that
    // changes one of 10,000 resources, or the outputs of a big stack, read a handful).
    private readonly ConcurrentDictionary<string, Entry> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _namesByPhysicalId = new(StringComparer.Ordinal);

    // One task at a time converges a given name, so Set and Remove of one name never race each other.
    public void Set(ResourceRecord row)
    {
        if (_current.TryGetValue(row.Name, out var old) && old.Row.PhysicalId is { } oldId && oldId != row.PhysicalId)
        {
            _namesByPhysicalId.TryRemove(KeyValuePair.Create(oldId, row.Name));
        }

        _current[row.Name] = new Entry(row);
        if (row.PhysicalId is { } id)
        {
            _namesByPhysicalId[id] = row.Name;
        }
    }

    public void Remove(string name)
    {
        if (_current.TryRemove(name, out var old) && old.Row.PhysicalId is { } id)
        {
            _namesByPhysicalId.TryRemove(KeyValuePair.Create(id, name));
        }
    }

    public ResourceState? FindByPhysicalId(string physicalId) =>
        _namesByPhysicalId.TryGetValue(physicalId, out var name) && _current.TryGetValue(name, out var entry) && entry.Row.PhysicalId == physicalId
            ? entry.State
            : null;

    public ResourceRecord? Get(string name) => _current.TryGetValue(name, out var entry) ? entry.Row : null;

    public ResourceState? GetState(string name) => _current.TryGetValue(name, out var entry) ? entry.State : null;

    public IEnumerable<ResourceRecord> All => _current.Values.Select(e => e.Row);

    public object? GetReference(string resourceName, SourceSpan span)
    {
        if (_current.TryGetValue(resourceName, out var entry) && IsReady(entry.Row) && handlers.Find(entry.Row.Type) is { } handler)
        {
            return handler.ReferenceId(entry.State);
        }

        return resourceName;
    }

    public object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span)
    {
        if (!_current.TryGetValue(resourceName, out var entry) || !IsReady(entry.Row) || handlers.Find(entry.Row.Type) is not { } handler)
        {
            return null;
        }

        var state = entry.State;
        return attributeName == "show" ? AttributePath.Select(handler.Show(state), path) : handler.GetAttribute(state, attributeName, path);
    }

    public object? GetAllAttributes(string resourceName, SourceSpan span)
    {
        if (!_current.TryGetValue(resourceName, out var entry) || !IsReady(entry.Row) || handlers.Find(entry.Row.Type) is not { } handler)
        {
            return null;
        }

        var state = entry.State;
        var map = Value.NewMap();
        foreach (var name in handler.Schema.Attributes.Keys.Concat(state.Attributes.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            map[name] = handler.GetAttribute(state, name);
        }

        return map;
    }

    private sealed class Entry(ResourceRecord row)
    {
        private readonly Lazy<ResourceState> _state = new(() => RowMapping.ToState(row), LazyThreadSafetyMode.ExecutionAndPublication);

        public ResourceRecord Row => row;

        public ResourceState State => _state.Value;
    }

    /// <summary>Heat returns attributes once the resource has been acted on (created, updated…), even when that failed.</summary>
    private static bool IsReady(ResourceRecord row) =>
        row.Action is not (ResourceAction.Init or ResourceAction.Delete) && !(row.Action == ResourceAction.Create && row.Status == OperationStatus.InProgress);
}

/// <summary>Conversions between stored rows and what handlers see.</summary>
internal static class RowMapping
{
    public static ResourceState ToState(ResourceRecord row) => new(
        row.Name,
        row.Type,
        row.PhysicalId,
        ValueJson.DeserializeMap(row.PropertiesJson),
        ValueJson.DeserializeMap(row.AttributesJson),
        ValueJson.DeserializeMap(row.DataJson));
}
