namespace Hearth.State;

/// <summary>
/// Heat's string rendering of actions and statuses (<c>CREATE</c>, <c>IN_PROGRESS</c>,
/// <c>CREATE_COMPLETE</c>). The one place these strings are spelled.
/// </summary>
public static class HeatStatus
{
    /// <summary>The Heat name of an action, e.g. <c>CREATE</c>.</summary>
    public static string ToHeatString(this ResourceAction action) => action switch
    {
        ResourceAction.Init => "INIT",
        ResourceAction.Create => "CREATE",
        ResourceAction.Delete => "DELETE",
        ResourceAction.Update => "UPDATE",
        ResourceAction.Rollback => "ROLLBACK",
        ResourceAction.Suspend => "SUSPEND",
        ResourceAction.Resume => "RESUME",
        ResourceAction.Adopt => "ADOPT",
        ResourceAction.Check => "CHECK",
        ResourceAction.Snapshot => "SNAPSHOT",
        ResourceAction.Restore => "RESTORE",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown action."),
    };

    /// <summary>The Heat name of a status, e.g. <c>IN_PROGRESS</c>.</summary>
    public static string ToHeatString(this OperationStatus status) => status switch
    {
        OperationStatus.InProgress => "IN_PROGRESS",
        OperationStatus.Complete => "COMPLETE",
        OperationStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown status."),
    };

    /// <summary>The combined Heat status, e.g. <c>CREATE_COMPLETE</c>.</summary>
    public static string Format(ResourceAction action, OperationStatus status) =>
        $"{action.ToHeatString()}_{status.ToHeatString()}";

    /// <summary>Parses a Heat action name such as <c>CREATE</c> (case-sensitive, as Heat prints it).</summary>
    public static bool TryParseAction(string text, out ResourceAction action)
    {
        foreach (var candidate in Enum.GetValues<ResourceAction>())
        {
            if (candidate.ToHeatString() == text)
            {
                action = candidate;
                return true;
            }
        }

        action = default;
        return false;
    }

    /// <summary>Parses a Heat status name such as <c>IN_PROGRESS</c> (case-sensitive).</summary>
    public static bool TryParseStatus(string text, out OperationStatus status)
    {
        foreach (var candidate in Enum.GetValues<OperationStatus>())
        {
            if (candidate.ToHeatString() == text)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>Parses a combined Heat status such as <c>UPDATE_IN_PROGRESS</c>.</summary>
    public static bool TryParse(string text, out ResourceAction action, out OperationStatus status)
    {
        // Statuses contain an underscore (IN_PROGRESS) and actions do not, so split at the first one.
        var separator = text.IndexOf('_', StringComparison.Ordinal);
        if (separator > 0
            && TryParseAction(text[..separator], out action)
            && TryParseStatus(text[(separator + 1)..], out status))
        {
            return true;
        }

        action = default;
        status = default;
        return false;
    }
}
