using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Schema.DockerCmd;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Validation;

/// <summary>
/// Checks the config of an OS::Heat::SoftwareConfig or StructuredConfig whose group is <c>docker-cmd</c> when the
/// template is read, so that an unknown or misspelt key is an error at its position, not a failed deployment later.
/// </summary>
internal static class DockerCmdValidation
{
    private static readonly string[] ConfigTypes = ["OS::Heat::SoftwareConfig", "OS::Heat::StructuredConfig"];

    public static void Validate(ResourceDefinition resource, string type, IReadOnlyDictionary<string, object?> properties, PropertyValidator.SpanLocator locate, DiagnosticBag diagnostics)
    {
        if (!ConfigTypes.Contains(type) || properties.GetValueOrDefault("group") is not DockerCmdConfig.Group)
        {
            return;
        }

        var config = properties.GetValueOrDefault("config");
        if (Value.ContainsUnknown(config))
        {
            return;
        }

        var reading = DockerCmdConfig.Read(config);
        var written = (resource.PropertiesSyntax as MappingNode)?.Find("config");
        foreach (var problem in reading.Problems)
        {
            var span = reading.Syntax is not null && written?.Value is ScalarNode text
                ? InText(reading.Syntax, problem.Path, text, written.KeySpan)
                : locate(["config", .. problem.Path]);
            diagnostics.Error(span, problem.Code, $"resource '{resource.Name}': {problem.Message}");
        }
    }

    /// <summary>
    /// Where a path inside config text is in the template. In a literal block (<c>config: |</c>) the text's line N is
    /// the template's line after the indicator + N - 1; its columns are taken as indented two spaces past the key, as
    /// HOT is written (YAML keeps no record of the block's indentation). Text from elsewhere (get_file, a quoted
    /// string) is reported at the config itself.
    /// </summary>
    private static SourceSpan InText(SyntaxNode root, IReadOnlyList<object> path, ScalarNode text, SourceSpan key)
    {
        var inner = TemplateValidator.Locator(root, root.Span)(path);
        var isBlock = text.Span.EndLine > text.Span.Line && text.Text.Count(c => c == '\n') >= text.Span.EndLine - text.Span.Line - 1;
        if (!isBlock)
        {
            return text.Span;
        }

        var line = text.Span.Line + inner.Line;
        var column = key.Column + 2 + inner.Column - 1;
        return new SourceSpan(text.Span.File, line, column, line, column + Math.Max(0, inner.EndColumn - inner.Column));
    }
}
