using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine.Operations;
using Hearth.Engine.ResourceTypes;
using Hearth.Templates.Files;
using Hearth.Templates.Validation;
using Hearth.Templates.Values;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth template validate</c>: every problem of a template, or what it declares.</summary>
internal static class TemplateCommands
{
    public static Command Create(CliConsole console)
    {
        var template = new Command("template", "Work with templates");
        var validate = new Command("validate", "Validate a template with its environments and parameters");
        var inputs = new TemplateInputOptions();
        var format = OutputFormatOption.Create();
        var strict = new Option<bool>("--strict")
        {
            Description = "Treat as errors the findings Heat's validate accepts (property values, nested templates' parameters, outputs)",
        };
        inputs.AddTo(validate);
        validate.Options.Add(format);
        validate.Options.Add(strict);
        validate.SetAction(async (parse, ct) =>
        {
            var mode = parse.GetValue(strict) ? ValidationMode.Strict : ValidationMode.Validate;
            var report = TemplateValidator.Validate(TemplateInput.Sources(parse, inputs), DiskFileReader.Instance, BuiltinResourceTypes.Instance, mode);
            if (parse.GetValue(format) == OutputFormat.Table)
            {
                if (!report.IsValid)
                {
                    // Printed (and exit 2) as a stack operation prints the template errors it refuses: the same lines.
                    throw EngineException.TemplateErrors(report.Diagnostics);
                }

                await WriteHumanAsync(console, report);
            }
            else
            {
                await StructuredOutput.WriteAsync(console.Out, parse.GetValue(format), ToView(report));
            }

            return report.IsValid ? ExitCodes.Success : ExitCodes.UsageOrTemplateError;
        });
        template.Subcommands.Add(validate);
        return template;
    }

    private static async Task WriteHumanAsync(CliConsole console, ValidationReport report)
    {
        await DiagnosticPrinter.WriteAsync(console, report.Diagnostics);
        await console.Out.WriteLineAsync($"{report.TemplatePath} is a valid HOT {report.Version} template.");
        await console.Out.WriteLineAsync();
        if (report.Parameters.Length > 0)
        {
            await console.Out.WriteLineAsync("Parameters:");
            await TableWriter.WriteAsync(console.Out, ["Name", "Type", "Value", "From"],
                report.Parameters.Select(p => (IReadOnlyList<string>)[p.Name, p.Type, p.DisplayValue ?? "(no value)", p.Source]));
            if (report.Parameters.Where(p => p.DisplayValue is null).Select(p => p.Name).ToList() is { Count: > 0 } missing)
            {
                // Valid as Heat's validate has it, but a create without them is refused: say so before the user finds out.
                await console.Out.WriteLineAsync(
                    $"A stack needs a value for {string.Join(", ", missing)}: give --parameter {missing[0]}=VALUE (or parameters: in an environment file, -e).");
            }

            await console.Out.WriteLineAsync();
        }

        await console.Out.WriteLineAsync("Resources:");
        await TableWriter.WriteAsync(console.Out, ["Name", "Type", "Depends On"],
            report.Resources.Select(r => (IReadOnlyList<string>)[
                r.Name + (r.Enabled ? "" : " (condition false)"),
                r.ResolvedType == r.Type ? r.Type : $"{r.Type} -> {BesideTemplate(report.TemplatePath, r.ResolvedType)}",
                string.Join(", ", r.DependsOn)]));
        if (report.Outputs.Length > 0)
        {
            await console.Out.WriteLineAsync();
            await console.Out.WriteLineAsync("Outputs:");
            await TableWriter.WriteAsync(console.Out, ["Name", "Description"], report.Outputs.Select(o => (IReadOnlyList<string>)[o.Name, o.Description ?? ""]));
        }
    }

    /// <summary>A nested template in the template's folder tree as the environment names it (relative); others in full.</summary>
    private static string BesideTemplate(string templatePath, string resolvedType)
    {
        if (!Path.IsPathRooted(resolvedType) || Path.GetDirectoryName(templatePath) is not { } folder)
        {
            return resolvedType;
        }

        var relative = Path.GetRelativePath(folder, resolvedType);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? resolvedType : relative;
    }

    private static OrderedDictionary<string, object?> ToView(ValidationReport report)
    {
        var view = Value.NewMap();
        view["valid"] = report.IsValid;
        view["template"] = report.TemplatePath;
        view["heat_template_version"] = report.Version;
        view["description"] = report.Description;
        view["parameters"] = report.Parameters.Select(p =>
        {
            var map = Value.NewMap();
            map["name"] = p.Name;
            map["type"] = p.Type;
            map["value"] = p.DisplayValue;
            map["hidden"] = p.Hidden;
            map["source"] = p.Source;
            map["description"] = p.Description;
            return (object?)map;
        }).ToList();
        view["resources"] = report.Resources.Select(r =>
        {
            var map = Value.NewMap();
            map["resource_name"] = r.Name;
            map["resource_type"] = r.Type;
            map["resolved_type"] = r.ResolvedType;
            map["enabled"] = r.Enabled;
            map["depends_on"] = r.DependsOn.ToList<object?>();
            return (object?)map;
        }).ToList();
        view["outputs"] = report.Outputs.Select(o =>
        {
            var map = Value.NewMap();
            map["output_key"] = o.Name;
            map["description"] = o.Description;
            return (object?)map;
        }).ToList();
        view["diagnostics"] = report.Diagnostics.Select(d => (object?)DiagnosticPrinter.ToView(d)).ToList();
        return view;
    }
}
