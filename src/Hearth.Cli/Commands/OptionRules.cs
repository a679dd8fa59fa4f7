using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>
/// Range checks on numeric options, made while the command line is parsed: a value out of range is a usage error
/// (exit 2) before anything is opened or written, and before <c>--no-wait</c> starts anything in the background.
/// </summary>
internal static class OptionRules
{
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.GetValueOrDefault<int>() < minimum)
            {
                result.AddError($"{option.Name} must be at least {minimum} (got {result.Tokens[^1].Value})");
            }
        });
        return option;
    }

    /// <summary>
    /// An enum option that takes its members' names in any case (<c>json</c>, <c>leave</c>) and nothing else: not a
    /// number (which <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would take as any value, named or not),
    /// nor an unknown name, which is refused with <paramref name="refusal"/> instead of the parser's message naming a
    /// .NET type. Absent, the option is the enum's default value.
    /// </summary>
    public static Option<T> OneOfNames<T>(this Option<T> option, Func<string, string> refusal)
        where T : struct, Enum
    {
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return default;
            }

            var text = result.Tokens[0].Value;
            if (Enum.GetNames<T>().Any(name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                && Enum.TryParse<T>(text, ignoreCase: true, out var value))
            {
                return value;
            }

            result.AddError(refusal(text));
            return default;
        };
        return option;
    }
}
