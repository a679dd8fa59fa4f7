using System.Collections;

namespace Hearth.Hosting;

/// <summary>
/// Hearth's own credentials in its environment: what lets a process act as Hearth (a server token, the state database's
/// connection string). Scripts the engine runs are the template author's code and never get them.
/// </summary>
public static class HostCredentials
{
    /// <summary>The variables kept from scripts.</summary>
    public static IReadOnlyList<string> Variables { get; } = ["HEARTH_TOKEN", "HEARTH_DATABASE", "HEARTH_SERVER"];

    /// <summary>The environment <paramref name="variables"/> without <see cref="Variables"/>.</summary>
    public static IReadOnlyDictionary<string, string> Without(IDictionary variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            if (entry.Key is string name && entry.Value is string value && !Variables.Contains(name, StringComparer.Ordinal))
            {
                environment[name] = value;
            }
        }

        return environment;
    }
}
