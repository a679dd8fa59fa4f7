namespace Hearth.Engine.Failures;

/// <summary>
/// What kind of thing went wrong when a resource's action failed. Persisted (as an integer in a failure event's payload):
/// never renumber a member, only add new ones with new values.
/// </summary>
public enum FailureKind
{
    /// <summary>The resource type reported a failure of its own (a TestResource told to fail, a config it cannot find, a failure signal).</summary>
    ResourceFailed = 0,

    /// <summary>A deployment's config ran and failed: see <see cref="Failure.ExitCode"/>, <see cref="Failure.Stdout"/>, <see cref="Failure.Stderr"/>.</summary>
    ScriptFailed = 1,

    /// <summary>A deployment's or wait condition's timeout passed.</summary>
    TimedOut = 2,

    /// <summary>The user's stop request (Ctrl+C, SIGTERM) ended the action or the operation.</summary>
    CancelledByUser = 3,

    /// <summary>What the resource is made of failed: a nested stack's or group's resources; see <see cref="Failure.Inner"/>.</summary>
    DependencyFailed = 4,

    /// <summary>The server a deployment runs on could not be reached (its transport failed, not the config).</summary>
    Unreachable = 5,

    /// <summary>The template, a property or a nested template is wrong, found when the resource was evaluated.</summary>
    InvalidInput = 6,

    /// <summary>An unexpected exception: a bug in Hearth or in a resource type.</summary>
    Internal = 7,

    /// <summary>The state store could not record a step (a full disk, a damaged database).</summary>
    StateStore = 8,
}
