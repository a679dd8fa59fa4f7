using System.CommandLine;

namespace Hearth.Cli.Commands;

/// <summary>The options shared by the commands that read a template: <c>-t</c>, <c>-e</c>, <c>--parameter</c>.</summary>
internal sealed class TemplateInputOptions
{
    public Option<string> Template { get; } = new("--template", "-t")
    {
        Description = "The HOT template file",
        Required = true,
    };

    public Option<string[]> Environments { get; } = new("--environment", "-e")
    {
        Description = "An environment file (repeatable; later files override earlier ones)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Parameters { get; } = new("--parameter", "-P")
    {
        Description = "A parameter value KEY=VALUE (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> AllowedPaths { get; } = new("--allow-file-path")
    {
        Description = "A folder that get_file and template resource types may read outside the template's folder (repeatable)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Template);
        command.Options.Add(Environments);
        command.Options.Add(Parameters);
        command.Options.Add(AllowedPaths);
    }
}
