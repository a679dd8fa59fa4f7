using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The SQL that reads events: every read walks the events by sequence number (the primary key, and
/// <c>ix_events_stack</c> per stack) from a starting point and stops at its limit, so what a reader pays for is the page
/// it asked for, not the history before it. Events are read as committed (<see cref="SqliteReaders.ReadCommittedAsync"/>).
/// </summary>
/// <param name="readers">The store's read connections.</param>
internal sealed class SqliteEventSql(SqliteReaders readers)
{
    // A stack and its nested stacks, each with its depth below the first.
    private const string StackTree =
        "WITH RECURSIVE tree (id, depth) AS ("
        + "SELECT @stack_id, 0 UNION ALL SELECT s.id, t.depth + 1 FROM stacks s JOIN tree t ON s.parent_stack_id = t.id WHERE t.depth < @depth AND s.deleted_at IS NULL) ";

    public Task<IReadOnlyList<EventRecord>> ListAsync(string stackId, long afterSequence, int limit, bool includeNested, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            StacksClause(includeNested ? int.MaxValue : 0) + " AND sequence > @after ORDER BY sequence LIMIT @limit",
            c =>
            {
                c.Add("@stack_id", stackId);
                c.Add("@depth", includeNested ? int.MaxValue : 0);
                c.Add("@after", afterSequence);
                c.Add("@limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<EventRecord>> ListAllAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            $"SELECT {SqliteRows.EventColumns} FROM events WHERE sequence > @after ORDER BY sequence LIMIT @limit",
            c =>
            {
                c.Add("@after", afterSequence);
                c.Add("@limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<EventRecord>> ListPageAsync(EventPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query.NestedDepth);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit ?? 0);
        var sql = StacksClause(query.NestedDepth);
        if (query.ResourceName is not null)
        {
            sql += " AND resource_name = @resource_name";
        }

        if (query.Marker is not null)
        {
            // Heat looks the marker up among all events and ignores one it does not find: so does the COALESCE.
            sql += query.Descending
                ? $" AND sequence < COALESCE((SELECT sequence FROM events WHERE id = @marker), {long.MaxValue.ToString(CultureInfo.InvariantCulture)})"
                : " AND sequence > COALESCE((SELECT sequence FROM events WHERE id = @marker), 0)";
        }

        // SQLite reads a negative LIMIT as none.
        sql += (query.Descending ? " ORDER BY sequence DESC" : " ORDER BY sequence") + " LIMIT @limit";
        return QueryAsync(
            sql,
            c =>
            {
                c.Add("@stack_id", query.StackId);
                c.Add("@depth", query.NestedDepth);
                c.Add("@resource_name", query.ResourceName);
                c.Add("@marker", query.Marker);
                c.Add("@limit", query.Limit ?? -1);
            },
            cancellationToken);
    }

    public Task<EventRecord?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        readers.ReadCommittedAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.EventColumns} FROM events WHERE id = @id",
                null,
                c => c.Add("@id", eventId),
                SqliteRows.ReadEvent,
                cancellationToken),
            cancellationToken);

    /// <summary>
    /// The events of the stack, or of it and its nested stacks <paramref name="depth"/> levels down: the stack's own
    /// alone by <c>ix_events_stack</c> in sequence order.
    /// </summary>
    private static string StacksClause(int depth) => depth == 0
        ? $"SELECT {SqliteRows.EventColumns} FROM events WHERE stack_id = @stack_id"
        : StackTree + $"SELECT {SqliteRows.EventColumns} FROM events WHERE stack_id IN (SELECT id FROM tree)";

    private Task<IReadOnlyList<EventRecord>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        readers.ReadCommittedAsync(s => s.QueryListAsync(sql, bind, SqliteRows.ReadEvent, cancellationToken), cancellationToken);
}
