namespace Hearth.State;

/// <summary>
/// A template, environment and parameters as the engine encoded them, and the template's description. The store keeps
/// the three JSON strings verbatim and never interprets them.
/// </summary>
/// <param name="TemplateJson">The template content and its file map.</param>
/// <param name="EnvironmentJson">The merged environment.</param>
/// <param name="ParametersJson">The parameter values.</param>
/// <param name="Description">
/// The template's description (empty when it has none), kept beside it so that a list of stacks shows it without
/// reading every template; null for a definition stored before the store kept it (schema step 7).
/// </param>
public sealed record StoredDefinition(string TemplateJson, string EnvironmentJson, string ParametersJson, string? Description);

/// <summary>One stack: a top-level stack or, with <see cref="ParentStackId"/> set, a nested one.</summary>
/// <param name="Id">A UUID in text form.</param>
/// <param name="Name">Unique among top-level stacks; nested stacks' names need not be unique.</param>
/// <param name="ParentStackId">The stack that owns this nested stack, or null for a top-level stack.</param>
/// <param name="ParentResourceName">The resource of the parent stack that this nested stack implements.</param>
/// <param name="Action">The running or last action.</param>
/// <param name="Status">The status of <paramref name="Action"/>.</param>
/// <param name="StatusReason">Why the stack is in this status (Heat's <c>stack_status_reason</c>).</param>
/// <param name="CreatedAt">When the stack was created.</param>
/// <param name="UpdatedAt">When the stack was last updated, if ever.</param>
/// <param name="Current">The definition the stack is being, or was last, moved to.</param>
/// <param name="Previous">The definition before the running or last update: what a rollback returns to.</param>
/// <param name="DisableRollback">True when a failed operation must not roll back.</param>
/// <param name="OperationId">The running or last operation in the journal.</param>
public sealed record StackRecord(
    string Id,
    string Name,
    string? ParentStackId,
    string? ParentResourceName,
    ResourceAction Action,
    OperationStatus Status,
    string StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    StoredDefinition? Current,
    StoredDefinition? Previous,
    bool DisableRollback,
    string? OperationId);

/// <summary>
/// One instance of a resource. During a replacement the old and the new instance of a name coexist;
/// exactly one row per stack and name is <see cref="IsCurrent"/> (the store enforces at most one).
/// </summary>
/// <param name="Id">Assigned by the store when the record is saved with 0.</param>
/// <param name="StackId">The stack the resource belongs to.</param>
/// <param name="Name">The resource's name in the template.</param>
/// <param name="Type">The resource type, e.g. <c>OS::Heat::SoftwareDeployment</c>.</param>
/// <param name="Action">The running or last action.</param>
/// <param name="Status">The status of <paramref name="Action"/>.</param>
/// <param name="StatusReason">Why the resource is in this status.</param>
/// <param name="PhysicalId">The id of the real thing, once it exists.</param>
/// <param name="PropertiesJson">The resolved properties the resource was last acted on with.</param>
/// <param name="AttributesJson">The attributes (outputs) the resource exposes.</param>
/// <param name="MetadataJson">The resource metadata.</param>
/// <param name="RequiresJson">The names of the resources it depended on when last acted on.</param>
/// <param name="DataJson">Type-specific private data.</param>
/// <param name="ReplacesId">For a replacement, the instance it replaces.</param>
/// <param name="ReplacedById">For a replaced instance, the instance that replaces it.</param>
/// <param name="IsCurrent">True for the live instance of its name.</param>
/// <param name="OperationId">The operation that last acted on it.</param>
/// <param name="CreatedAt">When the row was created.</param>
/// <param name="UpdatedAt">When the row was last changed, if ever.</param>
public sealed record ResourceRecord(
    long Id,
    string StackId,
    string Name,
    string Type,
    ResourceAction Action,
    OperationStatus Status,
    string StatusReason,
    string? PhysicalId,
    string PropertiesJson,
    string AttributesJson,
    string MetadataJson,
    string RequiresJson,
    string DataJson,
    long? ReplacesId,
    long? ReplacedById,
    bool IsCurrent,
    string? OperationId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>A Heat-style event. Sequence numbers are assigned by the store and strictly increase.</summary>
/// <param name="Sequence">Assigned by the store on append; pass 0.</param>
/// <param name="Id">A UUID in text form.</param>
/// <param name="StackId">The stack the event belongs to.</param>
/// <param name="StackName">The stack's name at the time of the event.</param>
/// <param name="ResourceName">The resource's name, or the stack's name for a stack event.</param>
/// <param name="PhysicalResourceId">The resource's physical id (the stack id for a stack event).</param>
/// <param name="ResourceType">The resource type (<c>OS::Heat::Stack</c> for a stack event).</param>
/// <param name="Action">The action.</param>
/// <param name="Status">The status.</param>
/// <param name="StatusReason">Why.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Kind">What it means to the engine (a hook, a signal); <see cref="EventKind.Status"/> for a plain status event.</param>
/// <param name="Payload">The kind's data: a hook's name, a signal's JSON; null for a status event.</param>
public sealed record EventRecord(
    long Sequence,
    string Id,
    string StackId,
    string StackName,
    string ResourceName,
    string? PhysicalResourceId,
    string ResourceType,
    ResourceAction Action,
    OperationStatus Status,
    string StatusReason,
    DateTimeOffset Time,
    EventKind Kind = EventKind.Status,
    string? Payload = null);

/// <summary>
/// A journal entry for one operation on a stack, so that a crashed operation can be resumed or rolled
/// back. Progress is recorded in the resource rows; the plan is written once, not per step.
/// </summary>
/// <param name="Id">A UUID in text form.</param>
/// <param name="StackId">The stack operated on.</param>
/// <param name="Kind">What the operation does (create, update, delete, rollback, …).</param>
/// <param name="State">Whether it is running or how it ended.</param>
/// <param name="PlanJson">The engine-encoded plan.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended, if it has.</param>
public sealed record OperationRecord(
    string Id,
    string StackId,
    ResourceAction Kind,
    OperationState State,
    string PlanJson,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt);

/// <summary>Who holds a stack's operation lock, with enough to tell whether the holder still lives.</summary>
/// <param name="OwnerId">A UUID per process and operation.</param>
/// <param name="ProcessId">The holder's process id on <paramref name="Host"/>.</param>
/// <param name="ProcessStartTicks">
/// The holder's start time in clock ticks since boot (<c>/proc/PID/stat</c> field 22), so a reused pid
/// is not mistaken for the holder; 0 when unknown.
/// </param>
/// <param name="Host">The holder's host name.</param>
/// <param name="AcquiredAt">When the lock was taken.</param>
/// <param name="Operation">What the holder is doing, e.g. <c>update</c>.</param>
public sealed record LockOwner(
    string OwnerId,
    int ProcessId,
    long ProcessStartTicks,
    string Host,
    DateTimeOffset AcquiredAt,
    string Operation);

/// <summary>The outcome of <see cref="IStateStore.TryAcquireLockAsync"/>.</summary>
public abstract record LockAttempt
{
    private LockAttempt()
    {
    }

    /// <summary>The caller now holds the lock.</summary>
    /// <param name="PreviousHolder">
    /// The dead holder whose lock was taken over, or null if the lock was free or already the caller's.
    /// A takeover means that holder's operation was interrupted.
    /// </param>
    public sealed record Acquired(LockOwner? PreviousHolder) : LockAttempt;

    /// <summary>Another live owner holds the lock.</summary>
    /// <param name="Holder">The owner holding it.</param>
    public sealed record Held(LockOwner Holder) : LockAttempt;
}

/// <summary>What <see cref="IStateStore.RecordResourceAsync"/> stored.</summary>
/// <param name="ResourceId">The resource row's id (newly assigned if the record's id was 0).</param>
/// <param name="EventSequence">The event's sequence number, or null if no event was given.</param>
public readonly record struct ResourceTransition(long ResourceId, long? EventSequence);
