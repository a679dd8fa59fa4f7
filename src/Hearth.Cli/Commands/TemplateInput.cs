using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine.Operations;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;

namespace Hearth.Cli.Commands;

/// <summary>Turns <c>-t</c>, <c>-e</c>, <c>--parameter</c> and <c>--allow-file-path</c> into the engine's inputs.</summary>
internal static class TemplateInput
{
    public static StackSources Sources(ParseResult parse, TemplateInputOptions options)
    {
        var template = parse.GetValue(options.Template) ?? throw new UserErrorException("give the template with -t FILE");
        var templatePath = Path.GetFullPath(template);
        if (!File.Exists(templatePath))
        {
            throw new UserErrorException($"the template '{template}' does not exist");
        }

        var environments = (parse.GetValue(options.Environments) ?? []).Select(Path.GetFullPath).ToList();
        foreach (var environment in environments.Where(e => !File.Exists(e)))
        {
            throw new UserErrorException($"the environment file '{environment}' does not exist");
        }

        return new StackSources(
            templatePath,
            [.. environments],
            [.. parse.GetValue(options.Parameters) ?? []],
            [.. (parse.GetValue(options.AllowedPaths) ?? []).Select(Path.GetFullPath)]);
    }

    /// <summary>
    /// Reads the template and everything it uses from disk; its warnings are printed on stderr (as validate prints them),
    /// template errors end the command with exit code 2. The template read stays in <paramref name="templates"/> for the
    /// engine the command opens next.
    /// </summary>
    public static async Task<DefinitionSource> CaptureAsync(
        ParseResult parse, TemplateInputOptions options, TemplateCache templates, CliConsole console, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var source = Definitions.Capture(Sources(parse, options), DiskFileReader.Instance, templates);
        await DiagnosticPrinter.WriteAsync(console, source.Warnings);
        return source;
    }
}
