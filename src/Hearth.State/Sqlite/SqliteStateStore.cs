using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The state store in one SQLite file (<c>hearth.db</c>, WAL mode) in a state folder. Several processes
/// may open the same folder: every write is an immediate transaction, and a process that finds the
/// database busy waits up to the busy timeout, then gets a <see cref="StateStoreBusyException"/>.
/// Within one process the store uses one connection, one call at a time.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    /// <summary>The database file's name inside the state folder.</summary>
    public const string DatabaseFileName = "hearth.db";

    /// <summary>How long a call waits for another process's write to finish before giving up.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;

    private const string StackColumns =
        "id, name, parent_stack_id, parent_resource_name, action, status, status_reason, created_at, updated_at, "
        + "current_template, current_environment, current_parameters, "
        + "previous_template, previous_environment, previous_parameters, disable_rollback, operation_id";

    /// <summary>A resource row's columns but its id, each bound as a parameter of the same name.</summary>
    private const string ResourceValueColumns =
        "stack_id, name, type, action, status, status_reason, physical_id, properties_json, attributes_json, "
        + "metadata_json, requires_json, data_json, replaces_id, replaced_by_id, is_current, operation_id, "
        + "created_at, updated_at";

    private const string ResourceColumns = "id, " + ResourceValueColumns;

    private static readonly string[] ResourceValueNames = ResourceValueColumns.Split(", ");

    private static readonly string InsertResourceSql =
        $"INSERT INTO resources ({ResourceValueColumns}) VALUES ({string.Join(", ", ResourceValueNames.Select(c => "@" + c))}) RETURNING id";

    private static readonly string InsertReservedResourceSql =
        $"INSERT INTO resources ({ResourceColumns}) VALUES (@id, {string.Join(", ", ResourceValueNames.Select(c => "@" + c))}) "
        + $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", ResourceValueNames.Select(c => $"{c} = excluded.{c}"))}";

    private static readonly string UpdateResourceSql =
        $"UPDATE resources SET {string.Join(", ", ResourceValueNames.Select(c => $"{c} = @{c}"))} WHERE id = @id";

    private const string EventColumns =
        "sequence, id, stack_id, stack_name, resource_name, physical_resource_id, resource_type, action, status, "
        + "status_reason, time, kind, payload";

    private const string OperationColumns = "id, stack_id, kind, state, plan_json, started_at, ended_at";

    private const string LockColumns = "owner_id, process_id, process_start_ticks, host, acquired_at, operation";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingTransition> _pendingTransitions = new();

    // Ids this store reserved whose rows may not exist yet: saving one inserts the row (see ReserveResourceIdsAsync).
    private readonly HashSet<long> _reservedIds = [];

    // Reusing a command keeps its statement prepared; safe because _gate admits one call at a time.
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private bool _disposed;

    private SqliteStateStore(SqliteConnection connection, string databasePath, int schemaVersion)
    {
        _connection = connection;
        DatabasePath = databasePath;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version the database is at.</summary>
    public int SchemaVersion { get; }

    /// <summary>
    /// Opens the store in <paramref name="directory"/>, creating the folder (mode 0700) and the database
    /// (mode 0600, as are its -wal and -shm files) if they do not exist, and migrating the schema.
    /// </summary>
    /// <exception cref="StateSchemaTooNewException">A newer Hearth wrote the database.</exception>
    public static Task<SqliteStateStore> OpenAsync(
        string directory,
        TimeProvider timeProvider,
        CancellationToken cancellationToken) =>
        OpenAsync(directory, timeProvider, SqliteSchema.Migrations, DefaultBusyTimeout, cancellationToken);

    internal static async Task<SqliteStateStore> OpenAsync(
        string directory,
        TimeProvider timeProvider,
        IReadOnlyList<SqliteMigration> migrations,
        TimeSpan busyTimeout,
        CancellationToken cancellationToken)
    {
        SQLitePCL.Batteries_V2.Init();
        var path = Path.Combine(Path.GetFullPath(directory), DatabaseFileName);
        CreatePrivateFile(directory, path);

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using (var pragmas = connection.CreateCommand())
            {
                // busy_timeout first: switching to WAL needs a lock another process may hold.
                pragmas.CommandText =
                    $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; "
                    + "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }

            var version = await SqliteMigrator.MigrateAsync(connection, path, migrations, timeProvider, cancellationToken);
            return new SqliteStateStore(connection, path, version);
        }
        catch (SqliteException exception) when (IsBusy(exception))
        {
            await connection.DisposeAsync();
            throw Busy(exception);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // ---- Stacks ----

    /// <inheritdoc />
    public Task<StackRecord?> GetStackAsync(string stackId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {StackColumns} FROM stacks WHERE id = @id",
                null,
                c => c.Add("@id", stackId),
                ReadStack,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<StackRecord?> GetStackByNameAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {StackColumns} FROM stacks WHERE name = @name AND parent_stack_id IS NULL",
                null,
                c => c.Add("@name", name),
                ReadStack,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StackRecord>> ListStacksAsync(CancellationToken cancellationToken) =>
        RunAsync(
            () => QueryListAsync(
                $"SELECT {StackColumns} FROM stacks WHERE parent_stack_id IS NULL ORDER BY name",
                _ => { },
                ReadStack,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StackRecord>> ListChildStacksAsync(
        string parentStackId,
        CancellationToken cancellationToken) =>
        RunAsync(
            () => QueryListAsync(
                $"SELECT {StackColumns} FROM stacks WHERE parent_stack_id = @parent ORDER BY created_at, name",
                c => c.Add("@parent", parentStackId),
                ReadStack,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task CreateStackAsync(StackRecord stack, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction =>
            {
                await EnsureNameFreeAsync(stack, transaction, cancellationToken);
                await ExecuteAsync(
                    $"INSERT INTO stacks ({StackColumns}) VALUES (@id, @name, @parent_stack_id, @parent_resource_name, "
                    + "@action, @status, @status_reason, @created_at, @updated_at, @current_template, "
                    + "@current_environment, @current_parameters, @previous_template, @previous_environment, "
                    + "@previous_parameters, @disable_rollback, @operation_id)",
                    transaction,
                    c => BindStack(c, stack),
                    () => $"Cannot create stack '{stack.Name}' ({stack.Id}): the id exists or the parent stack does not.",
                    cancellationToken);
                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task UpdateStackAsync(StackRecord stack, CancellationToken cancellationToken) =>
        RecordStackAsync(stack, null, cancellationToken);

    /// <inheritdoc />
    public Task<long?> RecordStackAsync(
        StackRecord stack,
        EventRecord? stackEvent,
        CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction =>
            {
                await EnsureNameFreeAsync(stack, transaction, cancellationToken);
                var updated = await ExecuteAsync(
                    "UPDATE stacks SET name = @name, parent_stack_id = @parent_stack_id, "
                    + "parent_resource_name = @parent_resource_name, action = @action, status = @status, "
                    + "status_reason = @status_reason, created_at = @created_at, updated_at = @updated_at, "
                    + "current_template = @current_template, current_environment = @current_environment, "
                    + "current_parameters = @current_parameters, previous_template = @previous_template, "
                    + "previous_environment = @previous_environment, previous_parameters = @previous_parameters, "
                    + "disable_rollback = @disable_rollback, operation_id = @operation_id WHERE id = @id",
                    transaction,
                    c => BindStack(c, stack),
                    () => $"Cannot update stack '{stack.Name}' ({stack.Id}): its parent stack does not exist.",
                    cancellationToken);
                if (updated == 0)
                {
                    throw new StackNotFoundException(stack.Id);
                }

                return stackEvent is null ? (long?)null : await InsertEventAsync(stackEvent, transaction, cancellationToken);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteStackAsync(string stackId, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction => await ExecuteAsync(
                "DELETE FROM stacks WHERE id = @id",
                transaction,
                c => c.Add("@id", stackId),
                () => $"Cannot delete stack {stackId}.",
                cancellationToken) > 0,
            cancellationToken);

    // ---- Resources ----

    /// <inheritdoc />
    public Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string stackId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QueryListAsync(
                $"SELECT {ResourceColumns} FROM resources WHERE stack_id = @stack_id ORDER BY id",
                c => c.Add("@stack_id", stackId),
                ReadResource,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceRecord?> GetResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {ResourceColumns} FROM resources WHERE id = @id",
                null,
                c => c.Add("@id", resourceId),
                ReadResource,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceRecord?> FindResourceByPhysicalIdAsync(string physicalId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {ResourceColumns} FROM resources WHERE physical_id = @physical_id ORDER BY is_current DESC, id DESC LIMIT 1",
                null,
                c => c.Add("@physical_id", physicalId),
                ReadResource,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<long> SaveResourceAsync(ResourceRecord resource, CancellationToken cancellationToken) =>
        (await RecordResourceAsync(resource, null, cancellationToken)).ResourceId;

    /// <inheritdoc />
    public async Task<ResourceTransition> RecordResourceAsync(
        ResourceRecord resource,
        EventRecord? resourceEvent,
        CancellationToken cancellationToken) =>
        await QueueAsync(new PendingTransition(resource, 0, resourceEvent), commitNow: true, cancellationToken);

    /// <inheritdoc />
    public Task<ResourceTransition> QueueResourceAsync(ResourceRecord resource, EventRecord? resourceEvent) =>
        QueueAsync(new PendingTransition(resource, 0, resourceEvent), commitNow: false, CancellationToken.None);

    /// <inheritdoc />
    public async Task<long?> QueueResourceDeletedAsync(long resourceId, EventRecord? resourceEvent) =>
        (await QueueAsync(new PendingTransition(null, resourceId, resourceEvent), commitNow: false, CancellationToken.None)).EventSequence;

    /// <inheritdoc />
    public Task<long> ReserveResourceIdsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return WriteAsync(
            async transaction =>
            {
                // AUTOINCREMENT keeps the highest id it ever handed out in sqlite_sequence: moving that on reserves the
                // ids in between, so no insert of any process takes them, and ids are still never reused.
                await ExecuteAsync(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'resources', COALESCE((SELECT MAX(id) FROM resources), 0) "
                    + "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'resources')",
                    transaction,
                    _ => { },
                    () => "Cannot reserve resource ids.",
                    cancellationToken);
                var last = await ExecuteScalarInt64Async(
                    "UPDATE sqlite_sequence SET seq = seq + @count WHERE name = 'resources' RETURNING seq",
                    transaction,
                    c => c.Add("@count", count),
                    () => "Cannot reserve resource ids.",
                    cancellationToken);
                var first = last - count + 1;
                lock (_reservedIds)
                {
                    for (var id = first; id <= last; id++)
                    {
                        _reservedIds.Add(id);
                    }
                }

                return first;
            },
            cancellationToken);
    }

    /// <summary>
    /// Group commit: every caller queues its transition; whoever holds the connection next writes everything queued,
    /// oldest first, in one transaction per batch. A caller's task completes once its own transition is committed, so
    /// "recorded before acted on" holds while a wide graph pays one commit per batch instead of per step; and anything
    /// queued after a transition commits with it or after it, so a caller that does not wait at once still knows the
    /// order in which its steps become durable.
    /// </summary>
    /// <remarks>
    /// A caller that needs its transition now starts a flush only if none is waiting for the connection yet; the others
    /// just wait for theirs. Each taking the connection in turn to find its transition already written cost a thread
    /// hop apiece: ten deployments starting together waited up to 60 ms for their IN_PROGRESS on a busy machine.
    /// </remarks>
    private Task<ResourceTransition> QueueAsync(PendingTransition pending, bool commitNow, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _pendingTransitions.Enqueue(pending);
        if (commitNow || Interlocked.Increment(ref _lazyTransitions) >= MaxTransitionBatch)
        {
            Interlocked.Exchange(ref _lazyTransitions, 0);
            if (Interlocked.Exchange(ref _flushRequested, 1) == 0)
            {
                _ = FlushAsync(TimeSpan.Zero);
            }
        }
        else if (Interlocked.Exchange(ref _commitScheduled, 1) == 0)
        {
            _ = FlushAsync(LazyCommitDelay);
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Writes what is queued, after <paramref name="delay"/> (a lazy commit shares its transaction with whatever comes
    /// meanwhile). It runs on the caller's thread as far as the connection is free.
    /// </summary>
    private async Task FlushAsync(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, CancellationToken.None);
            Interlocked.Exchange(ref _commitScheduled, 0);
            Interlocked.Exchange(ref _lazyTransitions, 0);
        }

        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // Reset once the connection is ours: a transition queued from here on starts a flush of its own (which waits
            // for this one), and every one queued before is written below.
            Interlocked.Exchange(ref _flushRequested, 0);
            if (_disposed)
            {
                // DisposeAsync wrote what was queued before it; whatever came after can no longer be written.
                while (_pendingTransitions.TryDequeue(out var late))
                {
                    late.Done.TrySetException(new ObjectDisposedException(nameof(SqliteStateStore)));
                }

                return;
            }

            await WritePendingTransitionsAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes everything queued, oldest first. Called with the gate held.</summary>
    private async Task WritePendingTransitionsAsync()
    {
        while (!_pendingTransitions.IsEmpty)
        {
            var batch = new List<PendingTransition>();
            while (batch.Count < MaxTransitionBatch && _pendingTransitions.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            await WriteTransitionsAsync(batch, CancellationToken.None);
        }
    }

    private const int MaxTransitionBatch = 512;

    /// <summary>How long a lazily queued transition may wait for others to share its commit.</summary>
    private static readonly TimeSpan LazyCommitDelay = TimeSpan.FromMilliseconds(5);

    private int _lazyTransitions;
    private int _commitScheduled;
    private int _flushRequested;

    /// <summary>A row to save (or, when <see cref="Resource"/> is null, the id of a row to delete) and its event.</summary>
    private sealed record PendingTransition(ResourceRecord? Resource, long DeletedResourceId, EventRecord? Event)
    {
        public TaskCompletionSource<ResourceTransition> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Writes a batch in one transaction; if that fails, each one alone, so one bad row fails only its own caller.</summary>
    private async Task WriteTransitionsAsync(List<PendingTransition> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // A row saved again (or deleted) later in the same transaction need only be written the last time: a
            // store-only resource's IN_PROGRESS and COMPLETE usually share a batch. Its event is still written.
            var superseded = new bool[batch.Count];
            var laterRows = new HashSet<long>();
            for (var i = batch.Count - 1; i >= 0; i--)
            {
                var id = batch[i].Resource?.Id ?? batch[i].DeletedResourceId;
                var writtenLater = id != 0 && !laterRows.Add(id);
                superseded[i] = writtenLater && batch[i].Resource is not null;
            }

            var results = new List<ResourceTransition>(batch.Count);
            await using (var transaction = SqliteValues.BeginImmediate(_connection))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    results.Add(await WriteTransitionAsync(batch[i], skipRow: superseded[i], transaction, cancellationToken));
                }

                await transaction.CommitAsync(cancellationToken);
            }

            ForgetReservedIds(batch.Where(item => item.Resource is null).Select(item => item.DeletedResourceId));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var item in batch)
            {
                await WriteTransitionsAsync([item], cancellationToken);
            }
        }
        catch (Exception exception)
        {
            batch[0].Done.TrySetException(exception is SqliteException sqlite && IsBusy(sqlite) ? Busy(sqlite) : exception);
        }
    }

    /// <param name="item">The transition.</param>
    /// <param name="skipRow">Write only the event: the same transaction writes the row again later.</param>
    /// <param name="transaction">The batch's transaction.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    private async Task<ResourceTransition> WriteTransitionAsync(PendingTransition item, bool skipRow, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var id = item.Resource is { } resource
            ? skipRow ? resource.Id : await SaveResourceRowAsync(resource, transaction, cancellationToken)
            : await DeleteResourceRowAsync(item.DeletedResourceId, transaction, cancellationToken);
        long? sequence = item.Event is null ? null : await InsertEventAsync(item.Event, transaction, cancellationToken);
        return new ResourceTransition(id, sequence);
    }

    /// <inheritdoc />
    public Task SetCurrentResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction =>
            {
                var key = await QuerySingleAsync(
                    "SELECT stack_id, name FROM resources WHERE id = @id",
                    transaction,
                    c => c.Add("@id", resourceId),
                    r => ((string StackId, string Name)?)(r.GetString(0), r.GetString(1)),
                    cancellationToken);
                if (key is null)
                {
                    throw new ResourceNotFoundException(resourceId);
                }

                // Clear before set: the unique index allows one current row per name at every moment.
                await ExecuteAsync(
                    "UPDATE resources SET is_current = 0 "
                    + "WHERE stack_id = @stack_id AND name = @name AND is_current = 1 AND id <> @id",
                    transaction,
                    c =>
                    {
                        c.Add("@stack_id", key.Value.StackId);
                        c.Add("@name", key.Value.Name);
                        c.Add("@id", resourceId);
                    },
                    () => "Cannot clear the current resource.",
                    cancellationToken);
                await ExecuteAsync(
                    "UPDATE resources SET is_current = 1 WHERE id = @id",
                    transaction,
                    c => c.Add("@id", resourceId),
                    () => "Cannot set the current resource.",
                    cancellationToken);
                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteResourceAsync(long resourceId, CancellationToken cancellationToken)
    {
        var deleted = await WriteAsync(async transaction => await DeleteResourceRowAsync(resourceId, transaction, cancellationToken) != 0, cancellationToken);
        ForgetReservedIds([resourceId]);
        return deleted;
    }

    /// <summary>A reserved id names one row for its whole life: once deleted (and committed), no late save inserts it again.</summary>
    private void ForgetReservedIds(IEnumerable<long> deletedIds)
    {
        lock (_reservedIds)
        {
            foreach (var id in deletedIds)
            {
                _reservedIds.Remove(id);
            }
        }
    }

    /// <returns>The id, or 0 if no row had it.</returns>
    private async Task<long> DeleteResourceRowAsync(long resourceId, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var deleted = await ExecuteAsync(
            "DELETE FROM resources WHERE id = @id",
            transaction,
            c => c.Add("@id", resourceId),
            () => $"Cannot delete resource row {resourceId}.",
            cancellationToken);
        return deleted == 0 ? 0 : resourceId;
    }

    // ---- Events ----

    /// <inheritdoc />
    public Task<long> AppendEventAsync(EventRecord stackEvent, CancellationToken cancellationToken) =>
        WriteAsync(transaction => InsertEventAsync(stackEvent, transaction, cancellationToken),cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ListEventsAsync(
        string stackId,
        long afterSequence,
        int limit,
        bool includeNested,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = includeNested
            ? "WITH RECURSIVE tree (id) AS ("
                + "SELECT @stack_id UNION ALL SELECT s.id FROM stacks s JOIN tree t ON s.parent_stack_id = t.id) "
                + $"SELECT {EventColumns} FROM events WHERE stack_id IN (SELECT id FROM tree) "
                + "AND sequence > @after ORDER BY sequence LIMIT @limit"
            : $"SELECT {EventColumns} FROM events WHERE stack_id = @stack_id AND sequence > @after "
                + "ORDER BY sequence LIMIT @limit";
        return RunAsync(
            () => QueryListAsync(
                sql,
                c =>
                {
                    c.Add("@stack_id", stackId);
                    c.Add("@after", afterSequence);
                    c.Add("@limit", limit);
                },
                ReadEvent,
                cancellationToken),
            cancellationToken);
    }

    // ---- Operation journal ----

    /// <inheritdoc />
    public Task StartOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction => await ExecuteAsync(
                $"INSERT INTO operations ({OperationColumns}) "
                + "VALUES (@id, @stack_id, @kind, @state, @plan_json, @started_at, @ended_at)",
                transaction,
                c => BindOperation(c, operation),
                () => $"Cannot start operation {operation.Id}: the id exists or stack {operation.StackId} does not.",
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task UpdateOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction =>
            {
                var updated = await ExecuteAsync(
                    "UPDATE operations SET state = @state, plan_json = @plan_json, ended_at = @ended_at WHERE id = @id",
                    transaction,
                    c => BindOperation(c, operation),
                    () => $"Cannot update operation {operation.Id}.",
                    cancellationToken);
                return updated == 0 ? throw new OperationNotFoundException(operation.Id) : updated;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<OperationRecord?> GetOperationAsync(string operationId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {OperationColumns} FROM operations WHERE id = @id",
                null,
                c => c.Add("@id", operationId),
                ReadOperation,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<OperationRecord?> GetCurrentOperationAsync(string stackId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {OperationColumns} FROM operations WHERE stack_id = @stack_id ORDER BY seq DESC LIMIT 1",
                null,
                c => c.Add("@stack_id", stackId),
                ReadOperation,
                cancellationToken),
            cancellationToken);

    // ---- Operation lock ----

    /// <inheritdoc />
    public Task<LockAttempt> TryAcquireLockAsync(
        string stackId,
        LockOwner owner,
        Func<LockOwner, bool> isHolderAlive,
        CancellationToken cancellationToken) =>
        WriteAsync<LockAttempt>(
            async transaction =>
            {
                // The immediate transaction holds the database's write lock from here to commit, so the
                // read, the liveness verdict and the write below are one atomic step across processes.
                var holder = await QuerySingleAsync(
                    $"SELECT {LockColumns} FROM stack_locks WHERE stack_id = @stack_id",
                    transaction,
                    c => c.Add("@stack_id", stackId),
                    ReadLockOwner,
                    cancellationToken);

                if (holder is null)
                {
                    var exists = await QuerySingleAsync(
                        "SELECT 1 FROM stacks WHERE id = @id",
                        transaction,
                        c => c.Add("@id", stackId),
                        _ => true,
                        cancellationToken);
                    if (!exists)
                    {
                        throw new StackNotFoundException(stackId);
                    }

                    await ExecuteAsync(
                        $"INSERT INTO stack_locks (stack_id, {LockColumns}) VALUES (@stack_id, @owner_id, "
                        + "@process_id, @process_start_ticks, @host, @acquired_at, @operation)",
                        transaction,
                        c => BindLock(c, stackId, owner),
                        () => $"Cannot lock stack {stackId}.",
                        cancellationToken);
                    return new LockAttempt.Acquired(null);
                }

                if (holder.OwnerId == owner.OwnerId)
                {
                    return new LockAttempt.Acquired(null);
                }

                if (isHolderAlive(holder))
                {
                    return new LockAttempt.Held(holder);
                }

                await ExecuteAsync(
                    "UPDATE stack_locks SET owner_id = @owner_id, process_id = @process_id, "
                    + "process_start_ticks = @process_start_ticks, host = @host, acquired_at = @acquired_at, "
                    + "operation = @operation WHERE stack_id = @stack_id",
                    transaction,
                    c => BindLock(c, stackId, owner),
                    () => $"Cannot take over the lock of stack {stackId}.",
                    cancellationToken);
                return new LockAttempt.Acquired(holder);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> ReleaseLockAsync(string stackId, string ownerId, CancellationToken cancellationToken) =>
        WriteAsync(
            async transaction => await ExecuteAsync(
                "DELETE FROM stack_locks WHERE stack_id = @stack_id AND owner_id = @owner_id",
                transaction,
                c =>
                {
                    c.Add("@stack_id", stackId);
                    c.Add("@owner_id", ownerId);
                },
                () => $"Cannot unlock stack {stackId}.",
                cancellationToken) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<LockOwner?> GetLockHolderAsync(string stackId, CancellationToken cancellationToken) =>
        RunAsync(
            () => QuerySingleAsync(
                $"SELECT {LockColumns} FROM stack_locks WHERE stack_id = @stack_id",
                null,
                c => c.Add("@stack_id", stackId),
                ReadLockOwner,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            await WritePendingTransitionsAsync();
            _disposed = true;
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync();
            }

            _commands.Clear();
            await _connection.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- Plumbing ----

    private static void CreatePrivateFile(string directory, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        // An existing folder keeps its mode: the user chose it. A new one is private to the user.
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Create the file before SQLite does, so it is never readable by others even for a moment.
        // SQLite gives the -wal and -shm files the database file's mode.
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    private async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Queued transitions go first: every call sees, and is ordered after, everything queued before it.
            await WritePendingTransitionsAsync();
            return await work();
        }
        catch (SqliteException exception) when (IsBusy(exception))
        {
            throw Busy(exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<T> WriteAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(
            async () =>
            {
                await using var transaction = SqliteValues.BeginImmediate(_connection);
                var result = await work(transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            },
            cancellationToken);

    private SqliteCommand Prepare(string sql, SqliteTransaction? transaction, Action<SqliteCommand> bind)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        // Every use of one SQL text binds the same parameters, so each overwrites the values of the last.
        command.Transaction = transaction;
        bind(command);
        return command;
    }

    private async Task<int> ExecuteAsync(
        string sql,
        SqliteTransaction transaction,
        Action<SqliteCommand> bind,
        Func<string> conflictMessage,
        CancellationToken cancellationToken)
    {
        try
        {
            return await Prepare(sql, transaction, bind).ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            throw new StateConflictException(conflictMessage(), exception);
        }
    }

    private async Task<long> ExecuteScalarInt64Async(
        string sql,
        SqliteTransaction transaction,
        Action<SqliteCommand> bind,
        Func<string> conflictMessage,
        CancellationToken cancellationToken)
    {
        try
        {
            return (long)(await Prepare(sql, transaction, bind).ExecuteScalarAsync(cancellationToken)
                ?? throw new InvalidOperationException($"No value returned by: {sql}"));
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            throw new StateConflictException(conflictMessage(), exception);
        }
    }

    private async Task<T?> QuerySingleAsync<T>(
        string sql,
        SqliteTransaction? transaction,
        Action<SqliteCommand> bind,
        Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var reader = await Prepare(sql, transaction, bind).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : default;
    }

    private async Task<IReadOnlyList<T>> QueryListAsync<T>(
        string sql,
        Action<SqliteCommand> bind,
        Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        await using var reader = await Prepare(sql, null, bind).ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private async Task EnsureNameFreeAsync(
        StackRecord stack,
        SqliteTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (stack.ParentStackId is not null)
        {
            return;
        }

        var taken = await QuerySingleAsync(
            "SELECT 1 FROM stacks WHERE name = @name AND parent_stack_id IS NULL AND id <> @id",
            transaction,
            c =>
            {
                c.Add("@name", stack.Name);
                c.Add("@id", stack.Id);
            },
            _ => true,
            cancellationToken);
        if (taken)
        {
            throw new StackAlreadyExistsException(stack.Name);
        }
    }

    private async Task<long> SaveResourceRowAsync(
        ResourceRecord resource,
        SqliteTransaction transaction,
        CancellationToken cancellationToken)
    {
        string Conflict() =>
            $"Cannot save resource '{resource.Name}' of stack {resource.StackId}: another row of that name is "
            + "current, or the stack or a replaced/replacing row does not exist.";

        void BindWithId(SqliteCommand command)
        {
            BindResource(command, resource);
            command.Add("@id", resource.Id);
        }

        bool reserved;
        lock (_reservedIds)
        {
            reserved = _reservedIds.Contains(resource.Id);
        }

        if (reserved)
        {
            // The first save of a row whose id was reserved inserts it; later ones overwrite it.
            await ExecuteAsync(InsertReservedResourceSql, transaction, BindWithId, Conflict, cancellationToken);
            return resource.Id;
        }

        if (resource.Id == 0)
        {
            return await ExecuteScalarInt64Async(InsertResourceSql, transaction, c => BindResource(c, resource), Conflict, cancellationToken);
        }

        var updated = await ExecuteAsync(UpdateResourceSql, transaction, BindWithId, Conflict, cancellationToken);
        return updated == 0 ? throw new ResourceNotFoundException(resource.Id) : resource.Id;
    }

    private Task<long> InsertEventAsync(
        EventRecord stackEvent,
        SqliteTransaction transaction,
        CancellationToken cancellationToken) =>
        ExecuteScalarInt64Async(
            "INSERT INTO events (id, stack_id, stack_name, resource_name, physical_resource_id, resource_type, "
            + "action, status, status_reason, time, kind, payload) VALUES (@id, @stack_id, @stack_name, @resource_name, "
            + "@physical_resource_id, @resource_type, @action, @status, @status_reason, @time, @kind, @payload) RETURNING sequence",
            transaction,
            c =>
            {
                c.Add("@id", stackEvent.Id);
                c.Add("@stack_id", stackEvent.StackId);
                c.Add("@stack_name", stackEvent.StackName);
                c.Add("@resource_name", stackEvent.ResourceName);
                c.Add("@physical_resource_id", stackEvent.PhysicalResourceId);
                c.Add("@resource_type", stackEvent.ResourceType);
                c.Add("@action", (int)stackEvent.Action);
                c.Add("@status", (int)stackEvent.Status);
                c.Add("@status_reason", stackEvent.StatusReason);
                c.Add("@time", SqliteValues.FromTime(stackEvent.Time));
                c.Add("@kind", (int)stackEvent.Kind);
                c.Add("@payload", stackEvent.Payload);
            },
            () => $"Cannot append event {stackEvent.Id}: the id exists or stack {stackEvent.StackId} does not.",
            cancellationToken);

    private static void BindStack(SqliteCommand command, StackRecord stack)
    {
        command.Add("@id", stack.Id);
        command.Add("@name", stack.Name);
        command.Add("@parent_stack_id", stack.ParentStackId);
        command.Add("@parent_resource_name", stack.ParentResourceName);
        command.Add("@action", (int)stack.Action);
        command.Add("@status", (int)stack.Status);
        command.Add("@status_reason", stack.StatusReason);
        command.Add("@created_at", SqliteValues.FromTime(stack.CreatedAt));
        command.Add("@updated_at", SqliteValues.FromTime(stack.UpdatedAt));
        command.Add("@current_template", stack.Current?.TemplateJson);
        command.Add("@current_environment", stack.Current?.EnvironmentJson);
        command.Add("@current_parameters", stack.Current?.ParametersJson);
        command.Add("@previous_template", stack.Previous?.TemplateJson);
        command.Add("@previous_environment", stack.Previous?.EnvironmentJson);
        command.Add("@previous_parameters", stack.Previous?.ParametersJson);
        command.Add("@disable_rollback", stack.DisableRollback ? 1 : 0);
        command.Add("@operation_id", stack.OperationId);
    }

    private static StackRecord ReadStack(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        Name: reader.GetString(1),
        ParentStackId: SqliteValues.ReadNullableString(reader, 2),
        ParentResourceName: SqliteValues.ReadNullableString(reader, 3),
        Action: (ResourceAction)reader.GetInt32(4),
        Status: (OperationStatus)reader.GetInt32(5),
        StatusReason: reader.GetString(6),
        CreatedAt: SqliteValues.ReadTime(reader, 7),
        UpdatedAt: SqliteValues.ReadNullableTime(reader, 8),
        Current: ReadDefinition(reader, 9),
        Previous: ReadDefinition(reader, 12),
        DisableRollback: reader.GetInt64(15) != 0,
        OperationId: SqliteValues.ReadNullableString(reader, 16));

    private static StoredDefinition? ReadDefinition(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : new StoredDefinition(reader.GetString(ordinal), reader.GetString(ordinal + 1), reader.GetString(ordinal + 2));

    private static void BindResource(SqliteCommand command, ResourceRecord resource)
    {
        command.Add("@stack_id", resource.StackId);
        command.Add("@name", resource.Name);
        command.Add("@type", resource.Type);
        command.Add("@action", (int)resource.Action);
        command.Add("@status", (int)resource.Status);
        command.Add("@status_reason", resource.StatusReason);
        command.Add("@physical_id", resource.PhysicalId);
        command.Add("@properties_json", resource.PropertiesJson);
        command.Add("@attributes_json", resource.AttributesJson);
        command.Add("@metadata_json", resource.MetadataJson);
        command.Add("@requires_json", resource.RequiresJson);
        command.Add("@data_json", resource.DataJson);
        command.Add("@replaces_id", resource.ReplacesId);
        command.Add("@replaced_by_id", resource.ReplacedById);
        command.Add("@is_current", resource.IsCurrent ? 1 : 0);
        command.Add("@operation_id", resource.OperationId);
        command.Add("@created_at", SqliteValues.FromTime(resource.CreatedAt));
        command.Add("@updated_at", SqliteValues.FromTime(resource.UpdatedAt));
    }

    private static ResourceRecord ReadResource(SqliteDataReader reader) => new(
        Id: reader.GetInt64(0),
        StackId: reader.GetString(1),
        Name: reader.GetString(2),
        Type: reader.GetString(3),
        Action: (ResourceAction)reader.GetInt32(4),
        Status: (OperationStatus)reader.GetInt32(5),
        StatusReason: reader.GetString(6),
        PhysicalId: SqliteValues.ReadNullableString(reader, 7),
        PropertiesJson: reader.GetString(8),
        AttributesJson: reader.GetString(9),
        MetadataJson: reader.GetString(10),
        RequiresJson: reader.GetString(11),
        DataJson: reader.GetString(12),
        ReplacesId: SqliteValues.ReadNullableInt64(reader, 13),
        ReplacedById: SqliteValues.ReadNullableInt64(reader, 14),
        IsCurrent: reader.GetInt64(15) != 0,
        OperationId: SqliteValues.ReadNullableString(reader, 16),
        CreatedAt: SqliteValues.ReadTime(reader, 17),
        UpdatedAt: SqliteValues.ReadNullableTime(reader, 18));

    private static EventRecord ReadEvent(SqliteDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Id: reader.GetString(1),
        StackId: reader.GetString(2),
        StackName: reader.GetString(3),
        ResourceName: reader.GetString(4),
        PhysicalResourceId: SqliteValues.ReadNullableString(reader, 5),
        ResourceType: reader.GetString(6),
        Action: (ResourceAction)reader.GetInt32(7),
        Status: (OperationStatus)reader.GetInt32(8),
        StatusReason: reader.GetString(9),
        Time: SqliteValues.ReadTime(reader, 10),
        Kind: (EventKind)reader.GetInt32(11),
        Payload: SqliteValues.ReadNullableString(reader, 12));

    private static void BindOperation(SqliteCommand command, OperationRecord operation)
    {
        command.Add("@id", operation.Id);
        command.Add("@stack_id", operation.StackId);
        command.Add("@kind", (int)operation.Kind);
        command.Add("@state", (int)operation.State);
        command.Add("@plan_json", operation.PlanJson);
        command.Add("@started_at", SqliteValues.FromTime(operation.StartedAt));
        command.Add("@ended_at", SqliteValues.FromTime(operation.EndedAt));
    }

    private static OperationRecord ReadOperation(SqliteDataReader reader) => new(
        Id: reader.GetString(0),
        StackId: reader.GetString(1),
        Kind: (ResourceAction)reader.GetInt32(2),
        State: (OperationState)reader.GetInt32(3),
        PlanJson: reader.GetString(4),
        StartedAt: SqliteValues.ReadTime(reader, 5),
        EndedAt: SqliteValues.ReadNullableTime(reader, 6));

    private static void BindLock(SqliteCommand command, string stackId, LockOwner owner)
    {
        command.Add("@stack_id", stackId);
        command.Add("@owner_id", owner.OwnerId);
        command.Add("@process_id", owner.ProcessId);
        command.Add("@process_start_ticks", owner.ProcessStartTicks);
        command.Add("@host", owner.Host);
        command.Add("@acquired_at", SqliteValues.FromTime(owner.AcquiredAt));
        command.Add("@operation", owner.Operation);
    }

    private static LockOwner ReadLockOwner(SqliteDataReader reader) => new(
        OwnerId: reader.GetString(0),
        ProcessId: reader.GetInt32(1),
        ProcessStartTicks: reader.GetInt64(2),
        Host: reader.GetString(3),
        AcquiredAt: SqliteValues.ReadTime(reader, 4),
        Operation: reader.GetString(5));

    private static bool IsBusy(SqliteException exception) =>
        exception.SqliteErrorCode is SqliteBusy or SqliteLocked;

    private static StateStoreBusyException Busy(SqliteException exception) =>
        new("The state database stayed busy (another Hearth process is writing) past the busy timeout.", exception);
}
