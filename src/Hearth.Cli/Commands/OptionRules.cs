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
}
