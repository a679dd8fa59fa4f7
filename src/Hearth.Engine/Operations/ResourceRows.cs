using System.Collections.Concurrent;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// The one owner of an operation's resource rows: every row of the stack by id (current instances, the old instances
/// of replacements, rows being deleted), and, derived from them, the current instance of each name as functions and
/// handlers read it (<see cref="Current"/>). A row is put here as it is recorded; whether it is current follows from
/// <see cref="ResourceRecord.IsCurrent"/>, so the views cannot disagree.
/// </summary>
internal sealed class ResourceRows(ResourceHandlerRegistry handlers)
{
    private readonly ConcurrentDictionary<long, ResourceRecord> _all = new();

    /// <summary>The current instance of each name, for functions (<c>get_attr</c>) and handlers (a deployment's config).</summary>
    public RuntimeResources Current { get; } = new(handlers);

    /// <summary>Every row the operation knows of, current or not.</summary>
    public IEnumerable<ResourceRecord> All => _all.Values;

    public ResourceRecord this[long id] => _all[id];

    /// <summary>The current instance of <paramref name="name"/>, or null.</summary>
    public ResourceRecord? CurrentOf(string name) => Current.Get(name);

    public void Load(IEnumerable<ResourceRecord> rows)
    {
        foreach (var row in rows)
        {
            Put(row);
        }
    }

    /// <summary>
    /// The row as last recorded. A current row becomes its name's current instance; a row that is not current (a
    /// replacement being created, an instance replaced or restored away) leaves its name's current instance alone.
    /// One task at a time acts on a given name, so the puts of one name never race each other.
    /// </summary>
    public void Put(ResourceRecord row)
    {
        _all[row.Id] = row;
        if (row.IsCurrent)
        {
            Current.Set(row);
        }
    }

    /// <summary>The row is deleted: gone from every view.</summary>
    public void Remove(ResourceRecord row)
    {
        _all.TryRemove(row.Id, out _);
        if (row.IsCurrent && Current.Get(row.Name)?.Id == row.Id)
        {
            Current.Remove(row.Name);
        }
    }

    /// <summary>
    /// The instance a rollback can make current again instead of acting: the one <paramref name="current"/> replaced (or
    /// was replaced by), completed, with the wanted properties.
    /// </summary>
    public ResourceRecord? FindRestorable(ResourceRecord current, IReadOnlyDictionary<string, object?> properties) =>
        _all.Values.FirstOrDefault(row =>
            row.Name == current.Name
            && !row.IsCurrent
            && row.Status == OperationStatus.Complete
            && row.Action is ResourceAction.Create or ResourceAction.Update or ResourceAction.Rollback
            && (row.ReplacedById == current.Id || current.ReplacesId == row.Id)
            && Value.DeepEquals(ValueJson.DeserializeMap(row.PropertiesJson), properties));

    /// <summary>The rows no longer wanted once the stack converged: instances that are not current, and names the target does not have.</summary>
    public Dictionary<long, ResourceRecord> Unwanted(IReadOnlySet<string> wanted) =>
        _all.Values.Where(row => !row.IsCurrent || !wanted.Contains(row.Name)).ToDictionary(row => row.Id);
}
