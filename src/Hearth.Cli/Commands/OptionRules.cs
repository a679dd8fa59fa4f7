using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace Hearth.Cli.Commands;

/// <summary>
/// Range checks on numeric options, made while the command line is parsed: a value out of range is a usage error
/// (exit 2) before anything is opened or written, and before <c>--no-wait</c> starts anything in the background.
/// </summary>
internal static class OptionRules
{
    /// <summary>
    /// A whole number of at least <paramref name="minimum"/>: text that is not one (<c>abc</c>, <c>1.5</c>) or is out of
    /// range is refused naming the option, not with the parser's message about a .NET type (and not, as a check that
    /// read the value after the parser failed would, with an exception). Absent, the option takes its default.
    /// </summary>
    public static Option<T> AtLeast<T>(this Option<T> option, T minimum)
        where T : struct, IBinaryInteger<T>
    {
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return option.DefaultValueFactory is { } fallback ? fallback(result) : default;
            }

            var text = result.Tokens[^1].Value;
            if (!T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{option.Name} must be a whole number (got '{text}')");
                return default;
            }

            if (value < minimum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {minimum} (got {text})"));
                return default;
            }

            return value;
        };
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
