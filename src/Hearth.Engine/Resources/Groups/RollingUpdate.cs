namespace Hearth.Engine.Resources.Groups;

/// <summary>One batch of a rolling update: the group's size during it, and how many members get the new definition.</summary>
public readonly record struct RollingBatch(int NewCapacity, int NumUpdated);

/// <summary>What one batch does to a group's members.</summary>
/// <param name="Members">The members after the batch, in order, with whether each has the new definition.</param>
/// <param name="Created">Members created in this batch (with the new definition).</param>
/// <param name="Updated">Existing members given the new definition in this batch.</param>
/// <param name="Removed">Members removed in this batch.</param>
public sealed record BatchPlan(
    IReadOnlyList<(string Name, bool New)> Members,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Removed);

/// <summary>
/// Heat's rolling-update batching of a group (resource_group.py <c>_get_batches</c>, scaling/template.py
/// <c>member_definitions</c>, <c>_assemble_for_rolling_update</c>'s replace priority): the batches, and which members
/// each batch creates, updates and removes. Temporary members beyond the target keep <c>min_in_service</c> members
/// serving while others are replaced, and go in the last batch.
/// </summary>
public static class RollingUpdate
{
    public static IReadOnlyList<RollingBatch> Batches(int targetCapacity, int currentCapacity, int maxBatchSize, int minInService)
    {
        var batches = new List<RollingBatch>();
        var updated = 0;
        var current = currentCapacity;
        // Heat's loop condition: while not (updated >= current == target).
        while (!(updated >= current && current == targetCapacity))
        {
            var effectiveMin = Math.Min(minInService, Math.Min(targetCapacity, current));
            var effectiveBatch = Math.Min(maxBatchSize, Math.Max(targetCapacity - updated, 0));
            var newCapacity = effectiveBatch + Math.Max(Math.Min(current, targetCapacity - effectiveBatch), effectiveMin);
            batches.Add(new RollingBatch(newCapacity, effectiveBatch));
            updated += effectiveBatch - Math.Max(newCapacity - Math.Max(current, targetCapacity), 0);
            current = newCapacity;
            if (batches.Count > 10_000)
            {
                throw new InvalidOperationException("rolling update batches do not converge");
            }
        }

        return batches;
    }

    /// <summary>
    /// Plans one batch. <paramref name="members"/> are the current members in order with whether each already has
    /// the new definition; <paramref name="names"/> yields the names a group of a given size uses (skipping removed
    /// names); <paramref name="targetCapacity"/> is the size the update ends at.
    /// </summary>
    public static BatchPlan PlanBatch(
        IReadOnlyList<(string Name, bool New)> members,
        RollingBatch batch,
        int targetCapacity,
        Func<int, IReadOnlyList<string>> names)
    {
        var wanted = names(batch.NewCapacity);
        int Priority((string Name, bool New) member)
        {
            var index = IndexOf(wanted, member.Name);
            // Members the new size does not name go first (removed first); then higher indexes; those beyond the target last.
            return index < 0 ? 0 : index < targetCapacity ? targetCapacity - index : batch.NewCapacity;
        }

        var ordered = members.Select((m, i) => (Member: m, Order: i)).OrderBy(x => Priority(x.Member)).ThenBy(x => x.Order).Select(x => x.Member).ToList();
        var kept = ordered.Skip(Math.Max(0, ordered.Count - batch.NewCapacity)).ToList();
        var removed = ordered.Take(ordered.Count - kept.Count).Select(m => m.Name).ToList();
        var createCount = batch.NewCapacity - kept.Count;
        var replace = batch.NumUpdated - createCount;
        var existing = members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var fresh = wanted.Where(n => !existing.Contains(n)).GetEnumerator();
        var result = new List<(string Name, bool New)>(batch.NewCapacity);
        var updated = new List<string>();
        var created = new List<string>();
        foreach (var member in kept)
        {
            if (!member.New && replace > 0)
            {
                replace--;
                updated.Add(member.Name);
                result.Add((member.Name, true));
            }
            else
            {
                result.Add(member);
            }
        }

        for (var i = 0; i < createCount && fresh.MoveNext(); i++)
        {
            created.Add(fresh.Current);
            result.Add((fresh.Current, true));
        }

        return new BatchPlan(result, created, updated, removed);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
