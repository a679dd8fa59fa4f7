using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The store's reads, on read-only connections of their own beside the one writing connection: in WAL mode a reader
/// sees the last committed state while a write transaction is open, so a read never queues behind a long write batch.
/// A read first waits for whatever group commit queued before it (so the store's "committed with the next call"
/// holds, and the engine reads back what it queued), but not for the writer's gate nor for what is queued after it.
/// Up to <see cref="MaxConnections"/> connections, opened when first needed, each with its own prepared statements.
/// </summary>
/// <param name="databasePath">The database file.</param>
/// <param name="busyTimeout">How long a read waits for a lock another process holds (a checkpoint's, or a recovery's).</param>
/// <param name="whenQueuedCommitted">Completes once what group commit queued before the call is committed.</param>
/// <param name="readOnlyStore">
/// The store's own connection when the database could be opened only for reading (immutable, or in exclusive locking
/// mode, neither of which admits a second connection): reads then go through it, one at a time; otherwise null.
/// </param>
internal sealed class SqliteReaders(string databasePath, TimeSpan busyTimeout, Func<Task> whenQueuedCommitted, SqliteSession? readOnlyStore)
{
    /// <summary>Two cores run the server: more readers would only contend for them (SSE streams share page reads).</summary>
    public const int MaxConnections = 4;

    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Lock _sessionsLock = new();
    private readonly List<SqliteSession> _sessions = [];
    private readonly Stack<SqliteSession> _idle = new();
    private bool _closed;

    /// <summary>Runs <paramref name="work"/> on a free read connection, after what group commit queued before it.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteSession, Task<T>> work, CancellationToken cancellationToken)
    {
        if (readOnlyStore is null)
        {
            await whenQueuedCommitted();
        }

        return await ReadCommittedAsync(work, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a free read connection at once: it sees what is committed, not what is still
    /// queued. For events: one has its sequence number only once committed, the engine writes the events it reads back
    /// (hooks, signals) synchronously, and a live stream reads on each commit, so waiting for a backlog behind the
    /// commit it was woken by would only delay every event by the backlog.
    /// </summary>
    public async Task<T> ReadCommittedAsync<T>(Func<SqliteSession, Task<T>> work, CancellationToken cancellationToken)
    {
        if (readOnlyStore is not null)
        {
            return await readOnlyStore.RunAsync(() => work(readOnlyStore), cancellationToken);
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            var session = TakeIdle() ?? await OpenAsync(cancellationToken);
            try
            {
                return await session.RunAsync(() => work(session), cancellationToken);
            }
            finally
            {
                lock (_sessionsLock)
                {
                    _idle.Push(session);
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Closes every read connection once its read in flight is done; reads after this throw.</summary>
    public async Task CloseAsync()
    {
        SqliteSession[] sessions;
        lock (_sessionsLock)
        {
            _closed = true;
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            await session.CloseAsync(() => Task.CompletedTask);
        }
    }

    private SqliteSession? TakeIdle()
    {
        lock (_sessionsLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            return _idle.TryPop(out var session) ? session : null;
        }
    }

    private async Task<SqliteSession> OpenAsync(CancellationToken cancellationToken)
    {
        // Read-only: it never creates or changes a file (the writer made the -wal and -shm files, 0600), and it cannot
        // write even by mistake. Sealed values are opened by the store's SealedValues, as the writer's are.
        var connection = SqliteOpener.NewConnection(databasePath, SqliteOpenMode.ReadOnly, busyTimeout);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await SqliteOpener.SetBusyTimeoutAsync(connection, busyTimeout, cancellationToken);
        }
        catch (Exception exception)
        {
            await connection.DisposeAsync();
            throw SqliteErrors.Translate(exception, databasePath) ?? exception;
        }

        var session = new SqliteSession(connection, databasePath, "it is a read connection", new SemaphoreSlim(1, 1), () => Task.CompletedTask, () => { });
        bool closed;
        lock (_sessionsLock)
        {
            closed = _closed;
            if (!closed)
            {
                _sessions.Add(session);
            }
        }

        if (closed)
        {
            await session.CloseAsync(() => Task.CompletedTask);
            throw new ObjectDisposedException(nameof(SqliteReaders));
        }

        return session;
    }
}
