using System.Collections;

namespace Hearth.State;

/// <summary>Where the state folder is when the CLI is not told otherwise.</summary>
public static class StateLocation
{
    /// <summary>The variable that names the state folder.</summary>
    public const string StateVariable = "HEARTH_STATE";

    /// <summary>
    /// <c>--state DIR</c> if given, else <c>$HEARTH_STATE</c>, else <c>$XDG_DATA_HOME/hearth</c> (when
    /// that is an absolute path, as the XDG spec requires), else <c>~/.local/share/hearth</c>.
    /// </summary>
    /// <param name="explicitDirectory">The <c>--state</c> option's value, or null.</param>
    /// <param name="environment">The environment variables, e.g. <see cref="Environment.GetEnvironmentVariables()"/>.</param>
    /// <returns>An absolute path.</returns>
    public static string Resolve(string? explicitDirectory, IDictionary environment)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        if (Get(environment, StateVariable) is { } fromVariable)
        {
            return Path.GetFullPath(fromVariable);
        }

        if (Get(environment, "XDG_DATA_HOME") is { } dataHome && Path.IsPathFullyQualified(dataHome))
        {
            return Path.Combine(dataHome, "hearth");
        }

        var home = Get(environment, "HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "hearth");
    }

    private static string? Get(IDictionary environment, string name) =>
        environment[name] is string { Length: > 0 } value ? value : null;
}
