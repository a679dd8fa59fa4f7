using System.Collections.Immutable;
using Hearth.Templates.Conditions;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Expressions;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Stacks;

/// <summary>What a stack is made from: the template, environment files and <c>--parameter</c> values.</summary>
/// <param name="TemplatePath">The template file (absolute).</param>
/// <param name="EnvironmentPaths">The environment files, in order (absolute).</param>
/// <param name="Parameters">The <c>--parameter K=V</c> arguments as given.</param>
/// <param name="AllowedPaths">Folders outside the template's tree that get_file and nested templates may read.</param>
public sealed record StackSources(
    string TemplatePath,
    ImmutableArray<string> EnvironmentPaths,
    ImmutableArray<string> Parameters,
    ImmutableArray<string> AllowedPaths);

/// <summary>
/// Loads a <see cref="StackDefinition"/>: reads the template and environments through an <see cref="IFileReader"/>,
/// resolves parameters (environment, then command line; <c>parameter_defaults</c>; template defaults) and parses
/// conditions. Every problem is a diagnostic; the result is null only when nothing usable could be read.
/// </summary>
public static class StackDefinitionLoader
{
    /// <param name="sources">The files and values to load.</param>
    /// <param name="identity">The stack's name and id (for OS::stack_name and OS::stack_id).</param>
    /// <param name="reader">Where files are read from.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="requireParameterValues">
    /// False for validating a template on its own (as Heat's template-validate): a parameter with no value is then
    /// "known after apply" instead of an error.
    /// </param>
    /// <param name="documents">Templates parsed by earlier processes (see <see cref="TemplateCache.Read"/>).</param>
    /// <param name="templates">The host's templates read lately; without one, only this definition's nested templates are reused.</param>
    public static StackDefinition? Load(
        StackSources sources,
        StackIdentity identity,
        IFileReader reader,
        DiagnosticBag diagnostics,
        bool requireParameterValues = true,
        IDocumentCache? documents = null,
        TemplateCache? templates = null)
    {
        templates ??= new TemplateCache();
        var policy = FileAccessPolicy.ForTemplate(sources.TemplatePath, sources.AllowedPaths);
        var files = new TemplateFileSource(reader, policy);
        var read = reader.Read(sources.TemplatePath, FileLimits.TemplateBytes, []);
        if (read.Text is not { } text)
        {
            read.Report(SourceSpan.WholeFile(sources.TemplatePath), "the template", diagnostics);
            return null;
        }

        var template = templates.Read(sources.TemplatePath, text, diagnostics, documents);
        if (template is null)
        {
            return null;
        }

        var environmentFiles = new List<EnvironmentFile>();
        foreach (var path in sources.EnvironmentPaths)
        {
            var environmentRead = reader.Read(path, FileLimits.TemplateBytes, []);
            if (environmentRead.Text is not { } environmentText)
            {
                environmentRead.Report(SourceSpan.WholeFile(path), "the environment file", diagnostics);
                continue;
            }

            environmentFiles.Add(EnvironmentFile.Load(path, environmentText, diagnostics));
        }

        var schemas = ParameterSchemaReader.Read(template.ParametersSection, template.Version, diagnostics);
        var environment = StackEnvironment.Merge(environmentFiles, schemas.ToDictionary(s => s.Name, s => s.Type, StringComparer.Ordinal), diagnostics);
        var commandLine = CommandLineParameters.Parse(sources.Parameters, diagnostics);
        return Create(template, environment, [.. environment.Parameters, .. commandLine], environment.ParameterDefaults, files, identity, [], diagnostics, templates, requireParameterValues);
    }

    /// <summary>Makes the definition of a template whose inputs are already known (a nested stack's are its parent's properties).</summary>
    public static StackDefinition Create(
        Template template,
        StackEnvironment environment,
        IEnumerable<ParameterInput> userValues,
        IEnumerable<ParameterInput> parameterDefaults,
        TemplateFileSource files,
        StackIdentity identity,
        ImmutableArray<string> nestedPath,
        DiagnosticBag diagnostics,
        TemplateCache templates,
        bool requireParameterValues = true,
        ResourceFacade? facade = null,
        HiddenValues? inheritedHidden = null)
    {
        var schemas = ParameterSchemaReader.Read(template.ParametersSection, template.Version, new DiagnosticBag());
        var resolverDiagnostics = requireParameterValues ? diagnostics : new DiagnosticBag();
        var parameters = ParameterResolver.Resolve(schemas, userValues, parameterDefaults, identity, resolverDiagnostics);
        if (!requireParameterValues)
        {
            diagnostics.AddRange(resolverDiagnostics.ToImmutable().Where(d => d.Code != DiagnosticCodes.ParameterMissing));
        }

        var conditions = ConditionSet.Parse(template.ConditionsSection, new ExpressionParser(template.Version, diagnostics));
        var definition = new StackDefinition(template, environment, parameters, conditions, files, identity, nestedPath, diagnostics)
        {
            Templates = templates,
            MissingParametersAreUnknown = !requireParameterValues,
            Facade = facade,
            InheritedHidden = inheritedHidden,
        };
        _ = definition.EnabledResources;
        return definition;
    }
}
