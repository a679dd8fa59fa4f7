namespace Hearth.State;

/// <summary>
/// The action a stack or resource is performing or last performed (Heat's <c>action</c>).
/// Persisted as an integer: never renumber a member, only add new ones with new values.
/// </summary>
public enum ResourceAction
{
    Init = 0,
    Create = 1,
    Delete = 2,
    Update = 3,
    Rollback = 4,
    Suspend = 5,
    Resume = 6,
    Adopt = 7,
    Check = 8,
    Snapshot = 9,
    Restore = 10,
}
