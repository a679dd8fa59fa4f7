namespace Hearth.State;

/// <summary>
/// Where the engine keeps stacks, resource instances, events, the per-stack operation lock and the
/// operation journal. Every write is small: one row (plus its event) per engine step, never a rewrite of
/// a whole stack. Implementations are safe to call concurrently from several tasks, and several
/// processes may share one store.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    // ---- Stacks ----

    /// <summary>Gets a stack by id, or null.</summary>
    Task<StackRecord?> GetStackAsync(string stackId, CancellationToken cancellationToken);

    /// <summary>Gets a top-level stack by name, or null. Nested stacks are found through their parent.</summary>
    Task<StackRecord?> GetStackByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists the top-level stacks, ordered by name.</summary>
    Task<IReadOnlyList<StackRecord>> ListStacksAsync(CancellationToken cancellationToken);

    /// <summary>Lists the stacks nested directly in a stack, ordered by creation.</summary>
    Task<IReadOnlyList<StackRecord>> ListChildStacksAsync(string parentStackId, CancellationToken cancellationToken);

    /// <summary>Creates a stack.</summary>
    /// <exception cref="StackAlreadyExistsException">A top-level stack with the name exists.</exception>
    /// <exception cref="StateConflictException">The id exists, or the parent stack does not.</exception>
    Task CreateStackAsync(StackRecord stack, CancellationToken cancellationToken);

    /// <summary>Overwrites one stack row.</summary>
    /// <exception cref="StackNotFoundException">No stack has the record's id.</exception>
    /// <exception cref="StackAlreadyExistsException">A rename collides with another top-level stack.</exception>
    Task UpdateStackAsync(StackRecord stack, CancellationToken cancellationToken);

    /// <summary>Overwrites one stack row and appends its event in one transaction.</summary>
    /// <returns>The event's sequence number, or null if no event was given.</returns>
    /// <exception cref="StackNotFoundException">No stack has the record's id.</exception>
    Task<long?> RecordStackAsync(StackRecord stack, EventRecord? stackEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a stack with its resources, operations, lock and nested stacks (recursively). Its events stay readable
    /// in the list of every stack's events for a while (the store's retention), so a follower that was away still reads them.
    /// </summary>
    /// <returns>False if the stack did not exist.</returns>
    Task<bool> DeleteStackAsync(string stackId, CancellationToken cancellationToken);

    // ---- Resources ----

    /// <summary>Lists every resource row of a stack, current or not, ordered by id.</summary>
    Task<IReadOnlyList<ResourceRecord>> ListResourcesAsync(string stackId, CancellationToken cancellationToken);

    /// <summary>Gets a resource row by id, or null.</summary>
    Task<ResourceRecord?> GetResourceAsync(long resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Finds a resource row by the physical id of what it made, in any stack (a deployment names its config and
    /// server by physical id, and they may live in a parent stack). The current row first, then the newest.
    /// </summary>
    Task<ResourceRecord?> FindResourceByPhysicalIdAsync(string physicalId, CancellationToken cancellationToken);

    /// <summary>Inserts the row (when its id is 0) or overwrites it.</summary>
    /// <returns>The row's id.</returns>
    /// <exception cref="ResourceNotFoundException">A non-zero id names no row.</exception>
    /// <exception cref="StateConflictException">Another row of the same name is already current.</exception>
    Task<long> SaveResourceAsync(ResourceRecord resource, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a resource row as <see cref="SaveResourceAsync"/> does and appends its event, in one transaction.
    /// Transitions are committed in the order they were recorded (several to a transaction when they come
    /// together), and before any call made after them: a caller may go on before the task completes, knowing that
    /// whatever it records or writes later becomes durable only with or after this.
    /// </summary>
    Task<ResourceTransition> RecordResourceAsync(
        ResourceRecord resource,
        EventRecord? resourceEvent,
        CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RecordResourceAsync"/>, but committed lazily: a moment later or with the next call to the store,
    /// whichever comes first, so that steps following each other quickly share a commit. For a caller that does not wait.
    /// Reads of stacks, resources and operations see it at once; event reads show events as they are committed (an
    /// event has its sequence number only then), so they never wait for a backlog of queued transitions.
    /// </summary>
    Task<ResourceTransition> QueueResourceAsync(ResourceRecord resource, EventRecord? resourceEvent);

    /// <summary>
    /// Deletes a resource row and appends its event, in one transaction, committed lazily and in order as
    /// <see cref="QueueResourceAsync"/> is.
    /// </summary>
    /// <returns>The event's sequence number, or null if no event was given.</returns>
    Task<long?> QueueResourceDeletedAsync(long resourceId, EventRecord? resourceEvent);

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive resource ids for rows not saved yet, so that a caller knows a new
    /// row's id before the row is committed (and need not wait for the commit to go on). Saving a row with a reserved
    /// id inserts it the first time; no other row ever gets one of these ids, in this process or another.
    /// </summary>
    /// <returns>The first of the ids.</returns>
    Task<long> ReserveResourceIdsAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Makes one row the current instance of its name and every other row of that stack and name not
    /// current, in one transaction: how a replacement is committed, or undone by a rollback.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">No row has the id.</exception>
    Task SetCurrentResourceAsync(long resourceId, CancellationToken cancellationToken);

    /// <summary>Deletes a resource row.</summary>
    /// <returns>False if the row did not exist.</returns>
    Task<bool> DeleteResourceAsync(long resourceId, CancellationToken cancellationToken);

    // ---- Events ----

    /// <summary>Appends an event.</summary>
    /// <returns>Its sequence number, greater than any sequence number this store handed out before.</returns>
    Task<long> AppendEventAsync(EventRecord stackEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Lists a stack's events with a sequence number greater than <paramref name="afterSequence"/>, oldest
    /// first, at most <paramref name="limit"/> of them.
    /// </summary>
    /// <param name="stackId">The stack.</param>
    /// <param name="afterSequence">0 for the first page, else the last sequence number of the previous page.</param>
    /// <param name="limit">The most events to return.</param>
    /// <param name="includeNested">Also return the events of nested stacks, at any depth.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<EventRecord>> ListEventsAsync(
        string stackId,
        long afterSequence,
        int limit,
        bool includeNested,
        CancellationToken cancellationToken);

    /// <summary>
    /// Lists the events of every stack with a sequence number greater than <paramref name="afterSequence"/>, oldest
    /// first, at most <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> ListAllEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of a stack's events as <paramref name="query"/> describes it, read by its place in the sequence order (the
    /// marker's sequence number, then at most the page's size), so a page costs its own size, not the stack's history.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> ListEventPageAsync(EventPageQuery query, CancellationToken cancellationToken);

    /// <summary>The event with this id (its <see cref="EventRecord.Id"/>), or null when there is none.</summary>
    Task<EventRecord?> GetEventAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>
    /// Signalled after this store commits events (and, where the store can hear them, after other processes do), for
    /// live views. Listing events after the last sequence number read returns every event committed since: an event
    /// never becomes visible with a sequence number lower than one a reader has already seen.
    /// </summary>
    EventCommits Commits { get; }

    // ---- Operation journal ----

    /// <summary>Records the start of an operation.</summary>
    /// <exception cref="StateConflictException">The id exists, or the stack does not.</exception>
    Task StartOperationAsync(OperationRecord operation, CancellationToken cancellationToken);

    /// <summary>Overwrites an operation's state, plan and end time.</summary>
    /// <exception cref="OperationNotFoundException">No operation has the record's id.</exception>
    Task UpdateOperationAsync(OperationRecord operation, CancellationToken cancellationToken);

    /// <summary>Gets an operation by id, or null.</summary>
    Task<OperationRecord?> GetOperationAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>Gets the most recently started operation of a stack, or null if it never had one.</summary>
    Task<OperationRecord?> GetCurrentOperationAsync(string stackId, CancellationToken cancellationToken);

    // ---- Operation lock ----

    /// <summary>
    /// Takes a stack's operation lock if it is free, already the caller's, or held by an owner that
    /// <paramref name="isHolderAlive"/> says is dead (taken over atomically: of several processes racing,
    /// exactly one wins).
    /// </summary>
    /// <param name="stackId">The stack to lock.</param>
    /// <param name="owner">The caller.</param>
    /// <param name="isHolderAlive">
    /// Whether a holder still lives; called inside the store's write transaction, so it must be quick
    /// (see <see cref="ProcessLiveness.IsAlive"/>).
    /// </param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <exception cref="StackNotFoundException">The stack does not exist.</exception>
    Task<LockAttempt> TryAcquireLockAsync(
        string stackId,
        LockOwner owner,
        Func<LockOwner, bool> isHolderAlive,
        CancellationToken cancellationToken);

    /// <summary>Releases a stack's lock if <paramref name="ownerId"/> still holds it.</summary>
    /// <returns>False if the caller did not hold it (any more).</returns>
    Task<bool> ReleaseLockAsync(string stackId, string ownerId, CancellationToken cancellationToken);

    /// <summary>Gets who holds a stack's lock, or null if it is free.</summary>
    Task<LockOwner?> GetLockHolderAsync(string stackId, CancellationToken cancellationToken);
}
