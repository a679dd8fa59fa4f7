namespace Hearth.Execution.Local;

/// <summary>The engine's environment, which what it starts on this machine inherits.</summary>
internal static class EngineEnvironment
{
    private static readonly Lazy<Dictionary<string, string>> s_variables = new(() =>
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                environment[name] = value;
            }
        }

        return environment;
    });

    /// <summary>Read once: nothing in Hearth changes the environment while it runs.</summary>
    public static IReadOnlyDictionary<string, string> Variables => s_variables.Value;
}
