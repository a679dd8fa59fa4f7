using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>
/// The state store in one SQLite file (<c>hearth.db</c>, WAL mode) in a state folder. Several processes
/// may open the same folder: every write is an immediate transaction, and a process that finds the
/// database busy waits up to the busy timeout, then gets a <see cref="StateStoreBusyException"/>.
/// Within one process the store writes through one connection, one call at a time, and reads through read-only
/// connections beside it (<see cref="SqliteReaders"/>), so a read never waits for a write batch to commit.
/// </summary>
public sealed class SqliteStateStore : IStateStore, ITokenStore
{
    /// <summary>The database file's name inside the state folder.</summary>
    public const string DatabaseFileName = "hearth.db";

    /// <summary>How long a call waits for another process's write to finish before giving up.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    // Group commit's statements (SqliteStatement): a new row's id and an event's sequence number are the rowid inserted.
    private static readonly string InsertResourceSql =
        $"INSERT INTO resources ({SqliteRows.ResourceValueColumns}) VALUES ({string.Join(", ", SqliteRows.ResourceValueNames.Select(c => "@" + c))})";

    private static readonly string InsertReservedResourceSql =
        $"INSERT INTO resources ({SqliteRows.ResourceColumns}) VALUES (@id, {string.Join(", ", SqliteRows.ResourceValueNames.Select(c => "@" + c))}) "
        + $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", SqliteRows.ResourceValueNames.Select(c => $"{c} = excluded.{c}"))}";

    private static readonly string UpdateResourceSql =
        $"UPDATE resources SET {string.Join(", ", SqliteRows.ResourceValueNames.Select(c => $"{c} = @{c}"))} WHERE id = @id";

    private const string InsertEventSql =
        "INSERT INTO events (id, stack_id, stack_name, resource_name, physical_resource_id, resource_type, "
        + "action, status, status_reason, time, kind, payload) VALUES (@id, @stack_id, @stack_name, @resource_name, "
        + "@physical_resource_id, @resource_type, @action, @status, @status_reason, @time, @kind, @payload)";

    private readonly SqliteSession _session;
    private readonly SqliteReaders _readers;
    private readonly GroupCommit _commit;
    private readonly ResourceIdReservations _reservedIds = new();
    private readonly SqliteOperationSql _operations;
    private readonly SqliteTokenSql _tokens;
    private readonly SqliteEventSql _events;

    private readonly SealedValues _values;
    private readonly TimeProvider _time;

    private SqliteStateStore(SqliteConnection connection, string databasePath, int schemaVersion, string? readOnlyProblem, SealedValues values, TimeSpan busyTimeout, TimeProvider time)
    {
        _values = values;
        _time = time;
        var gate = new SemaphoreSlim(1, 1);
        _commit = new GroupCommit(gate, WriteBatchAsync, exception => SqliteErrors.Translate(exception, databasePath) ?? exception);
        _session = new SqliteSession(connection, databasePath, readOnlyProblem, gate, _commit.WritePendingAsync, Commits.Signal);
        _readers = new SqliteReaders(databasePath, busyTimeout, _commit.WhenQueuedCommittedAsync, readOnlyProblem is null ? null : _session);
        _operations = new SqliteOperationSql(_session, _readers);
        _tokens = new SqliteTokenSql(_session, _readers);
        _events = new SqliteEventSql(_readers);
        DatabasePath = databasePath;
        SchemaVersion = schemaVersion;
        ReadOnlyProblem = readOnlyProblem;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    /// <remarks>Signals this store's own commits only: other processes' show when a reader next polls.</remarks>
    public EventCommits Commits { get; } = new();

    /// <summary>The schema version the database is at.</summary>
    public int SchemaVersion { get; }

    /// <summary>
    /// Why the store could only be opened for reading (the disk is full, the folder is read-only), or null. Reads work;
    /// every write throws <see cref="StateNotWritableException"/> saying so.
    /// </summary>
    public string? ReadOnlyProblem { get; }

    /// <summary>
    /// Opens the store in <paramref name="directory"/>, creating the folder (mode 0700) and the database
    /// (mode 0600, as are its -wal and -shm files, whatever mode they had) if they do not exist, and migrating the schema.
    /// Where nothing can be written it opens read-only (<see cref="ReadOnlyProblem"/>).
    /// </summary>
    /// <exception cref="StateSchemaTooNewException">A newer Hearth wrote the database.</exception>
    /// <exception cref="StateDamagedException">The database is empty, damaged or not Hearth's.</exception>
    /// <exception cref="StateFolderUnsafeException">Another user could write the state folder or its database.</exception>
    /// <exception cref="StateNotWritableException">The database does not exist or needs an upgrade, and cannot be written.</exception>
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
        var opened = await SqliteOpener.OpenAsync(directory, timeProvider, migrations, busyTimeout, cancellationToken);
        return new SqliteStateStore(opened.Connection, opened.Path, opened.SchemaVersion, opened.ReadOnlyProblem, opened.Values, busyTimeout, timeProvider);
    }

    // ---- Stacks ----

    /// <inheritdoc />
    public Task<StackRecord?> GetStackAsync(string stackId, CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.StackColumns} FROM stacks WHERE id = @id AND deleted_at IS NULL",
                null,
                c => c.Add("@id", stackId),
                r => SqliteRows.ReadStack(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<StackRecord?> GetStackByNameAsync(string name, CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.StackColumns} FROM stacks WHERE name = @name AND parent_stack_id IS NULL AND deleted_at IS NULL",
                null,
                c => c.Add("@name", name),
                r => SqliteRows.ReadStack(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StackRecord>> ListStacksAsync(CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QueryListAsync(
                $"SELECT {SqliteRows.StackColumns} FROM stacks WHERE parent_stack_id IS NULL AND deleted_at IS NULL ORDER BY name",
                _ => { },
                r => SqliteRows.ReadStack(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StackRecord>> ListChildStacksAsync(
        string parentStackId,
        CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QueryListAsync(
                $"SELECT {SqliteRows.StackColumns} FROM stacks WHERE parent_stack_id = @parent AND deleted_at IS NULL ORDER BY created_at, name",
                c => c.Add("@parent", parentStackId),
                r => SqliteRows.ReadStack(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task CreateStackAsync(StackRecord stack, CancellationToken cancellationToken) =>
        _session.WriteAsync(
            async transaction =>
            {
                await EnsureNameFreeAsync(stack, transaction, cancellationToken);
                await _session.ExecuteAsync(
                    $"INSERT INTO stacks ({SqliteRows.StackColumns}) VALUES (@id, @name, @parent_stack_id, @parent_resource_name, "
                    + "@action, @status, @status_reason, @created_at, @updated_at, @current_template, "
                    + "@current_environment, @current_parameters, @previous_template, @previous_environment, "
                    + "@previous_parameters, @disable_rollback, @operation_id, @current_description, @previous_description)",
                    transaction,
                    c => SqliteRows.BindStack(c, stack, _values),
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
        _session.WriteAsync(
            async transaction =>
            {
                await EnsureNameFreeAsync(stack, transaction, cancellationToken);
                var updated = await _session.ExecuteAsync(
                    "UPDATE stacks SET name = @name, parent_stack_id = @parent_stack_id, "
                    + "parent_resource_name = @parent_resource_name, action = @action, status = @status, "
                    + "status_reason = @status_reason, created_at = @created_at, updated_at = @updated_at, "
                    + "current_template = @current_template, current_environment = @current_environment, "
                    + "current_parameters = @current_parameters, previous_template = @previous_template, "
                    + "previous_environment = @previous_environment, previous_parameters = @previous_parameters, "
                    + "disable_rollback = @disable_rollback, operation_id = @operation_id, "
                    + "current_description = @current_description, previous_description = @previous_description WHERE id = @id AND deleted_at IS NULL",
                    transaction,
                    c => SqliteRows.BindStack(c, stack, _values),
                    () => $"Cannot update stack '{stack.Name}' ({stack.Id}): its parent stack does not exist.",
                    cancellationToken);
                if (updated == 0)
                {
                    throw new StackNotFoundException(stack.Id);
                }

                return stackEvent is null ? (long?)null : InsertEvent(stackEvent);
            },
            cancellationToken);

    /// <summary>How long a deleted stack's events stay readable (by the all-stacks event list and stream) after it went.</summary>
    public static readonly TimeSpan DeletedStackRetention = TimeSpan.FromDays(1);

    /// <summary>The stack <c>@id</c>, if it is not deleted, and its nested stacks at any depth that are not.</summary>
    private const string LiveTree =
        "WITH RECURSIVE tree(id) AS (SELECT id FROM stacks WHERE id = @id AND deleted_at IS NULL "
        + "UNION ALL SELECT s.id FROM stacks s JOIN tree t ON s.parent_stack_id = t.id WHERE s.deleted_at IS NULL) ";

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// A write call, so it first commits everything group commit queued before it (<see cref="SqliteSession.RunAsync{T}"/>):
    /// the last steps of the stack's delete, and of its nested stacks', are committed before the removal, in earlier
    /// transactions, so a reader that finds the stack gone could have read every one of its events. Waiting for the queue
    /// rather than putting the removal in it keeps one rule for every write call.
    /// </para>
    /// <para>
    /// The stacks' resources, operations and locks go at once; the stack rows stay, marked deleted and emptied of their
    /// templates, environments and parameters, with their events for <see cref="DeletedStackRetention"/>, so that a client
    /// of the all-stacks event stream that was away while they went still reads every event it missed. No read of stacks
    /// sees them. Each delete removes for good (with their events) the stacks deleted longer ago than that.
    /// </para>
    /// </remarks>
    public Task<bool> DeleteStackAsync(string stackId, CancellationToken cancellationToken) =>
        _session.WriteAsync(
            async transaction =>
            {
                var now = _time.GetUtcNow();
                await _session.ExecuteAsync(
                    "DELETE FROM stacks WHERE deleted_at IS NOT NULL AND deleted_at < @cutoff",
                    transaction,
                    c => c.Add("@cutoff", SqliteValues.FromTime(now - DeletedStackRetention)),
                    () => "Cannot remove the stacks deleted before.",
                    cancellationToken);
                foreach (var table in new[] { "stack_locks", "operations", "resources" })
                {
                    await _session.ExecuteAsync(
                        LiveTree + $"DELETE FROM {table} WHERE stack_id IN tree",
                        transaction,
                        c => c.Add("@id", stackId),
                        () => $"Cannot delete the {table} of stack {stackId}.",
                        cancellationToken);
                }

                return await _session.ExecuteAsync(
                    LiveTree + "UPDATE stacks SET deleted_at = @now, operation_id = NULL, current_template = NULL, "
                    + "current_environment = NULL, current_parameters = NULL, previous_template = NULL, "
                    + "previous_environment = NULL, previous_parameters = NULL, current_description = NULL, previous_description = NULL "
                    + "WHERE id IN tree",
                    transaction,
                    c =>
                    {
                        c.Add("@id", stackId);
                        c.Add("@now", SqliteValues.FromTime(now));
                    },
                    () => $"Cannot delete stack {stackId}.",
                    cancellationToken) > 0;
            },
            cancellationToken);

    // ---- Resources ----

    /// <inheritdoc />
    public Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string stackId, CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QueryListAsync(
                $"SELECT {SqliteRows.ResourceColumns} FROM resources WHERE stack_id = @stack_id ORDER BY id",
                c => c.Add("@stack_id", stackId),
                r => SqliteRows.ReadResource(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceRecord?> GetResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.ResourceColumns} FROM resources WHERE id = @id",
                null,
                c => c.Add("@id", resourceId),
                r => SqliteRows.ReadResource(r, _values),
                cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task<ResourceRecord?> FindResourceByPhysicalIdAsync(string physicalId, CancellationToken cancellationToken) =>
        _readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.ResourceColumns} FROM resources WHERE physical_id = @physical_id ORDER BY is_current DESC, id DESC LIMIT 1",
                null,
                c => c.Add("@physical_id", physicalId),
                r => SqliteRows.ReadResource(r, _values),
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
        return _session.WriteAsync(
            async transaction =>
            {
                // AUTOINCREMENT keeps the highest id it ever handed out in sqlite_sequence: moving that on reserves the
                // ids in between, so no insert of any process takes them, and ids are still never reused.
                await _session.ExecuteAsync(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'resources', COALESCE((SELECT MAX(id) FROM resources), 0) "
                    + "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'resources')",
                    transaction,
                    _ => { },
                    () => "Cannot reserve resource ids.",
                    cancellationToken);
                var last = await _session.ExecuteScalarInt64Async(
                    "UPDATE sqlite_sequence SET seq = seq + @count WHERE name = 'resources' RETURNING seq",
                    transaction,
                    c => c.Add("@count", count),
                    () => "Cannot reserve resource ids.",
                    cancellationToken);
                var first = last - count + 1;
                _reservedIds.Add(first, last);

                return first;
            },
            cancellationToken);
    }

    /// <summary>Writes one group commit batch in one transaction.</summary>
    /// <remarks>Synchronous inside: SQLite's calls are, and an await per statement only added its cost to every step.</remarks>
    private Task<IReadOnlyList<ResourceTransition>> WriteBatchAsync(IReadOnlyList<PendingTransition> batch, bool[] superseded)
    {
        var results = new ResourceTransition[batch.Count];
        using (var transaction = _session.BeginImmediate())
        {
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = WriteTransition(batch[i], skipRow: superseded[i]);
            }

            transaction.Commit();
        }

        Commits.Signal();
        _reservedIds.Forget(batch.Where(item => item.Resource is null).Select(item => item.DeletedResourceId));
        return Task.FromResult<IReadOnlyList<ResourceTransition>>(results);
    }

    /// <param name="item">The transition.</param>
    /// <param name="skipRow">Write only the event: the same transaction writes the row again later.</param>
    private ResourceTransition WriteTransition(PendingTransition item, bool skipRow)
    {
        var id = item.Resource is { } resource
            ? skipRow ? resource.Id : SaveResourceRow(resource)
            : DeleteResourceRow(item.DeletedResourceId);
        long? sequence = item.Event is null ? null : InsertEvent(item.Event);
        return new ResourceTransition(id, sequence);
    }

    private Task<ResourceTransition> QueueAsync(PendingTransition pending, bool commitNow, CancellationToken cancellationToken)
    {
        _session.ThrowIfReadOnly();
        return _commit.QueueAsync(pending, commitNow, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetCurrentResourceAsync(long resourceId, CancellationToken cancellationToken) =>
        _session.WriteAsync(
            async transaction =>
            {
                var key = await _session.QuerySingleAsync(
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
                await _session.ExecuteAsync(
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
                await _session.ExecuteAsync(
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
        var deleted = await _session.WriteAsync(_ => Task.FromResult(DeleteResourceRow(resourceId) != 0), cancellationToken);
        _reservedIds.Forget([resourceId]);
        return deleted;
    }

    /// <returns>The id, or 0 if no row had it.</returns>
    private long DeleteResourceRow(long resourceId)
    {
        var (deleted, _) = _session.Run(
            "DELETE FROM resources WHERE id = @id",
            c => c.Add("@id", resourceId),
            () => $"Cannot delete resource row {resourceId}.");
        return deleted == 0 ? 0 : resourceId;
    }

    // ---- Events ----

    /// <inheritdoc />
    public Task<long> AppendEventAsync(EventRecord stackEvent, CancellationToken cancellationToken) =>
        _session.WriteAsync(_ => Task.FromResult(InsertEvent(stackEvent)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ListEventsAsync(
        string stackId,
        long afterSequence,
        int limit,
        bool includeNested,
        CancellationToken cancellationToken) =>
        _events.ListAsync(stackId, afterSequence, limit, includeNested, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ListAllEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        _events.ListAllAsync(afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ListEventPageAsync(EventPageQuery query, CancellationToken cancellationToken) =>
        _events.ListPageAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<EventRecord?> GetEventAsync(string eventId, CancellationToken cancellationToken) =>
        _events.GetAsync(eventId, cancellationToken);

    // ---- Operation journal and lock (SqliteOperationSql) ----

    /// <inheritdoc />
    public Task StartOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        _operations.StartOperationAsync(operation, cancellationToken);

    /// <inheritdoc />
    public Task UpdateOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        _operations.UpdateOperationAsync(operation, cancellationToken);

    /// <inheritdoc />
    public Task<OperationRecord?> GetOperationAsync(string operationId, CancellationToken cancellationToken) =>
        _operations.GetOperationAsync(operationId, cancellationToken);

    /// <inheritdoc />
    public Task<OperationRecord?> GetCurrentOperationAsync(string stackId, CancellationToken cancellationToken) =>
        _operations.GetCurrentOperationAsync(stackId, cancellationToken);

    /// <inheritdoc />
    public Task<LockAttempt> TryAcquireLockAsync(
        string stackId,
        LockOwner owner,
        Func<LockOwner, bool> isHolderAlive,
        CancellationToken cancellationToken) =>
        _operations.TryAcquireLockAsync(stackId, owner, isHolderAlive, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ReleaseLockAsync(string stackId, string ownerId, CancellationToken cancellationToken) =>
        _operations.ReleaseLockAsync(stackId, ownerId, cancellationToken);

    /// <inheritdoc />
    public Task<LockOwner?> GetLockHolderAsync(string stackId, CancellationToken cancellationToken) =>
        _operations.GetLockHolderAsync(stackId, cancellationToken);

    // ---- API tokens ----

    /// <inheritdoc />
    public Task CreateTokenAsync(ApiTokenRecord token, CancellationToken cancellationToken) => _tokens.CreateTokenAsync(token, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(CancellationToken cancellationToken) => _tokens.ListTokensAsync(cancellationToken);

    /// <inheritdoc />
    public Task<ApiTokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken) => _tokens.FindTokenByHashAsync(hash, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeTokenAsync(string name, CancellationToken cancellationToken) => _tokens.RevokeTokenAsync(name, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _readers.CloseAsync();
        await _session.CloseAsync(_commit.CloseAsync);
    }

    // ---- SQL the writes share ----

    private async Task EnsureNameFreeAsync(
        StackRecord stack,
        SqliteTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (stack.ParentStackId is not null)
        {
            return;
        }

        var taken = await _session.QuerySingleAsync(
            "SELECT 1 FROM stacks WHERE name = @name AND parent_stack_id IS NULL AND id <> @id AND deleted_at IS NULL",
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

    private long SaveResourceRow(ResourceRecord resource)
    {
        string Conflict() =>
            $"Cannot save resource '{resource.Name}' of stack {resource.StackId}: another row of that name is "
            + "current, or the stack or a replaced/replacing row does not exist.";

        void BindWithId(SqliteStatement command)
        {
            SqliteRows.BindResource(command, resource, _values);
            command.Add("@id", resource.Id);
        }

        if (_reservedIds.Contains(resource.Id))
        {
            // The first save of a row whose id was reserved inserts it; later ones overwrite it.
            _session.Run(InsertReservedResourceSql, BindWithId, Conflict);
            return resource.Id;
        }

        if (resource.Id == 0)
        {
            return _session.Run(InsertResourceSql, c => SqliteRows.BindResource(c, resource, _values), Conflict).LastInsertRowId;
        }

        var (updated, _) = _session.Run(UpdateResourceSql, BindWithId, Conflict);
        return updated == 0 ? throw new ResourceNotFoundException(resource.Id) : resource.Id;
    }

    private long InsertEvent(EventRecord stackEvent) =>
        _session.Run(
            InsertEventSql,
            c => SqliteRows.BindEvent(c, stackEvent),
            () => $"Cannot append event {stackEvent.Id}: the id exists or stack {stackEvent.StackId} does not.").LastInsertRowId;
}
