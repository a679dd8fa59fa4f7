namespace Hearth.Execution;

/// <summary>How a deployment ended. The numeric values are persisted: never change one (a test guards them).</summary>
public enum DeploymentStatus
{
    /// <summary>The config ran and succeeded (exit status 0, no error output set).</summary>
    Complete = 0,

    /// <summary>The config ran and failed (non-zero exit status, an error output set) or could not be run.</summary>
    Failed = 1,

    /// <summary>The deployment's timeout passed; the config's processes were killed.</summary>
    TimedOut = 2,

    /// <summary>Nothing was run: a component has no entry for this action.</summary>
    Skipped = 3,

    /// <summary>The caller cancelled; the config's processes were killed.</summary>
    Cancelled = 4,
}
