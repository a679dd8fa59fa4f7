using System.CommandLine;

namespace Hearth.Cli.Rendering;

public enum OutputFormat
{
    Table,
    Json,
    Yaml,
}

internal static class OutputFormatOption
{
    /// <summary>The <c>-f table|json|yaml</c> option of every read command.</summary>
    public static Option<OutputFormat> Create()
    {
        var option = new Option<OutputFormat>("--format", "-f")
        {
            Description = "Output format: table, json or yaml",
            DefaultValueFactory = _ => OutputFormat.Table,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "table";
                // Enum.TryParse also takes numbers ("7"): only the names are formats.
                if (Enum.GetNames<OutputFormat>().Any(name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                    && Enum.TryParse<OutputFormat>(text, ignoreCase: true, out var format))
                {
                    return format;
                }

                result.AddError($"'{text}' is not an output format; use table, json or yaml");
                return OutputFormat.Table;
            },
        };
        return option;
    }
}
