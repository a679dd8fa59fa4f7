namespace Hearth.State;

/// <summary>
/// The resource ids a store reserved (<see cref="IStateStore.ReserveResourceIdsAsync"/>) whose rows may not exist yet:
/// the first save of one inserts its row. Safe across threads.
/// </summary>
internal sealed class ResourceIdReservations
{
    private readonly HashSet<long> _ids = [];

    public void Add(long first, long last)
    {
        lock (_ids)
        {
            for (var id = first; id <= last; id++)
            {
                _ids.Add(id);
            }
        }
    }

    public bool Contains(long id)
    {
        lock (_ids)
        {
            return _ids.Contains(id);
        }
    }

    /// <summary>A reserved id names one row for its whole life: once deleted (and committed), no late save inserts it again.</summary>
    public void Forget(IEnumerable<long> deletedIds)
    {
        lock (_ids)
        {
            foreach (var id in deletedIds)
            {
                _ids.Remove(id);
            }
        }
    }
}
