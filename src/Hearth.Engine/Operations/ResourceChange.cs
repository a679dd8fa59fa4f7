namespace Hearth.Engine.Operations;

/// <summary>What an operation does to one resource (persisted in plans; values are frozen).</summary>
public enum ChangeKind
{
    Unchanged = 0,
    Create = 1,
    Update = 2,
    Replace = 3,
    Delete = 4,

    /// <summary>Rollback: an instance kept aside by a replacement becomes current again, untouched.</summary>
    Restore = 5,
}

/// <summary>One resource's change and the reason for it, as preview prints and events tell.</summary>
/// <param name="ResourceName">The resource.</param>
/// <param name="Type">Its type.</param>
/// <param name="Kind">What happens to it.</param>
/// <param name="Reason">Why (which property, parameter or input changed), in words.</param>
/// <param name="ChangedProperties">The properties that differ, when known.</param>
/// <param name="KnownAfterApply">True when the decision depends on values other resources produce during the operation.</param>
public sealed record ResourceChange(
    string ResourceName,
    string Type,
    ChangeKind Kind,
    string Reason,
    IReadOnlyList<string> ChangedProperties,
    bool KnownAfterApply = false);
