namespace Hearth.State;

/// <summary>
/// The status of a stack's or resource's current action (Heat's <c>status</c>).
/// Persisted as an integer: never renumber a member, only add new ones with new values.
/// </summary>
public enum OperationStatus
{
    InProgress = 0,
    Complete = 1,
    Failed = 2,
}
