namespace Hearth.State;

/// <summary>
/// What an event means to the engine, beside the text it shows: a hook's pause and its end, a signal to a wait
/// condition handle and a failure are read back as this kind and <see cref="EventRecord.Payload"/>, never from the status reason.
/// Persisted as an integer: never renumber a member, only add new ones with new values.
/// </summary>
public enum EventKind
{
    /// <summary>A stack's or resource's status changed; no payload.</summary>
    Status = 0,

    /// <summary>A resource waits at a hook; the payload is the hook's name (<c>pre-create</c>).</summary>
    HookPaused = 1,

    /// <summary>A hook was cleared (<c>hearth stack hook clear</c>); the payload is the hook's name.</summary>
    HookCleared = 2,

    /// <summary>The operation stopped while the resource waited at a hook (Ctrl+C); the payload is the hook's name.</summary>
    HookAbandoned = 3,

    /// <summary>A signal to a wait condition handle; the payload is the signal as JSON (<c>{status, reason, data, id}</c>).</summary>
    Signal = 4,

    /// <summary>
    /// A resource's action failed; the payload is the failure as JSON (its kind, exit code, a script's output tails: the
    /// engine's <c>FailureJson</c>). Events of failures written before this kind existed are <see cref="Status"/> events.
    /// </summary>
    Failed = 5,
}
