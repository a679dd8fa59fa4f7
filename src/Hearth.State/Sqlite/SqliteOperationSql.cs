namespace Hearth.State.Sqlite;

/// <summary>
/// The SQL of who runs an operation on a stack: the operation journal (plan and state of each operation) and the
/// per-stack lock, taken over from a dead holder in the same immediate transaction that reads it.
/// </summary>
/// <param name="session">The store's writing connection.</param>
/// <param name="readers">The store's read connections.</param>
internal sealed class SqliteOperationSql(SqliteSession session, SqliteReaders readers)
{
    /// <inheritdoc cref="IStateStore.StartOperationAsync" />
    public Task StartOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        session.WriteAsync(
            async transaction => await session.ExecuteAsync(
                $"INSERT INTO operations ({SqliteRows.OperationColumns}) "
                + "VALUES (@id, @stack_id, @kind, @state, @plan_json, @started_at, @ended_at)",
                transaction,
                c => SqliteRows.BindOperation(c, operation),
                () => $"Cannot start operation {operation.Id}: the id exists or stack {operation.StackId} does not.",
                cancellationToken),
            cancellationToken);

    /// <inheritdoc cref="IStateStore.UpdateOperationAsync" />
    public Task UpdateOperationAsync(OperationRecord operation, CancellationToken cancellationToken) =>
        session.WriteAsync(
            async transaction =>
            {
                var updated = await session.ExecuteAsync(
                    "UPDATE operations SET state = @state, plan_json = @plan_json, ended_at = @ended_at WHERE id = @id",
                    transaction,
                    c => SqliteRows.BindOperation(c, operation),
                    () => $"Cannot update operation {operation.Id}.",
                    cancellationToken);
                return updated == 0 ? throw new OperationNotFoundException(operation.Id) : updated;
            },
            cancellationToken);

    /// <inheritdoc cref="IStateStore.GetOperationAsync" />
    public Task<OperationRecord?> GetOperationAsync(string operationId, CancellationToken cancellationToken) =>
        readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.OperationColumns} FROM operations WHERE id = @id",
                null,
                c => c.Add("@id", operationId),
                SqliteRows.ReadOperation,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc cref="IStateStore.GetCurrentOperationAsync" />
    public Task<OperationRecord?> GetCurrentOperationAsync(string stackId, CancellationToken cancellationToken) =>
        readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.OperationColumns} FROM operations WHERE stack_id = @stack_id ORDER BY seq DESC LIMIT 1",
                null,
                c => c.Add("@stack_id", stackId),
                SqliteRows.ReadOperation,
                cancellationToken),
            cancellationToken);

    /// <inheritdoc cref="IStateStore.TryAcquireLockAsync" />
    public Task<LockAttempt> TryAcquireLockAsync(
        string stackId,
        LockOwner owner,
        Func<LockOwner, bool> isHolderAlive,
        CancellationToken cancellationToken) =>
        session.WriteAsync<LockAttempt>(
            async transaction =>
            {
                // The immediate transaction holds the database's write lock from here to commit, so the
                // read, the liveness verdict and the write below are one atomic step across processes.
                var holder = await session.QuerySingleAsync(
                    $"SELECT {SqliteRows.LockColumns} FROM stack_locks WHERE stack_id = @stack_id",
                    transaction,
                    c => c.Add("@stack_id", stackId),
                    SqliteRows.ReadLockOwner,
                    cancellationToken);

                if (holder is null)
                {
                    var exists = await session.QuerySingleAsync(
                        "SELECT 1 FROM stacks WHERE id = @id AND deleted_at IS NULL",
                        transaction,
                        c => c.Add("@id", stackId),
                        _ => true,
                        cancellationToken);
                    if (!exists)
                    {
                        throw new StackNotFoundException(stackId);
                    }

                    await session.ExecuteAsync(
                        $"INSERT INTO stack_locks (stack_id, {SqliteRows.LockColumns}) VALUES (@stack_id, @owner_id, "
                        + "@process_id, @process_start_ticks, @host, @acquired_at, @operation)",
                        transaction,
                        c => SqliteRows.BindLock(c, stackId, owner),
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

                await session.ExecuteAsync(
                    "UPDATE stack_locks SET owner_id = @owner_id, process_id = @process_id, "
                    + "process_start_ticks = @process_start_ticks, host = @host, acquired_at = @acquired_at, "
                    + "operation = @operation WHERE stack_id = @stack_id",
                    transaction,
                    c => SqliteRows.BindLock(c, stackId, owner),
                    () => $"Cannot take over the lock of stack {stackId}.",
                    cancellationToken);
                return new LockAttempt.Acquired(holder);
            },
            cancellationToken);

    /// <inheritdoc cref="IStateStore.ReleaseLockAsync" />
    public Task<bool> ReleaseLockAsync(string stackId, string ownerId, CancellationToken cancellationToken) =>
        session.WriteAsync(
            async transaction => await session.ExecuteAsync(
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

    /// <inheritdoc cref="IStateStore.GetLockHolderAsync" />
    public Task<LockOwner?> GetLockHolderAsync(string stackId, CancellationToken cancellationToken) =>
        readers.ReadAsync(
            s => s.QuerySingleAsync(
                $"SELECT {SqliteRows.LockColumns} FROM stack_locks WHERE stack_id = @stack_id",
                null,
                c => c.Add("@stack_id", stackId),
                SqliteRows.ReadLockOwner,
                cancellationToken),
            cancellationToken);
}
