namespace Hearth.Execution;

/// <summary>The lifecycle actions a deployment runs for (the values of <c>deploy_action</c>).</summary>
public static class DeploymentActions
{
    public const string Create = "CREATE";
    public const string Update = "UPDATE";
    public const string Delete = "DELETE";
    public const string Suspend = "SUSPEND";
    public const string Resume = "RESUME";

    public static IReadOnlyList<string> All { get; } = [Create, Update, Delete, Suspend, Resume];

    /// <summary>The actions a component entry runs for when it names none (Heat's default).</summary>
    public static IReadOnlyList<string> ComponentDefault { get; } = [Create, Update];

    public static bool IsKnown(string action) => All.Contains(action, StringComparer.Ordinal);
}
