using System.CommandLine;
using Hearth.Cli.Commands;

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
    public static Option<OutputFormat> Create() =>
        // No DefaultValueFactory: help would show the enum's name ("[default: Table]"), not what is typed; Table is the
        // enum's default value, so an absent option reads as table all the same.
        new Option<OutputFormat>("--format", "-f")
        {
            Description = "Output format: table (the default), json or yaml",
            HelpName = "table|json|yaml",
        }.OneOfNames(text => $"'{text}' is not an output format; use table, json or yaml");
}
