namespace Hearth.State;

/// <summary>
/// The state of an operation in the journal.
/// Persisted as an integer: never renumber a member, only add new ones with new values.
/// </summary>
public enum OperationState
{
    /// <summary>Started and not yet ended; if its lock holder is dead, the operation was interrupted.</summary>
    Running = 0,

    /// <summary>Ended successfully.</summary>
    Completed = 1,

    /// <summary>Ended with a failure (after any rollback the engine performed).</summary>
    Failed = 2,

    /// <summary>Found running with a dead lock holder and marked so by the process that took over.</summary>
    Interrupted = 3,
}
