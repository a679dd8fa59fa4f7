using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Files;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Stacks;

/// <summary>
/// The evaluation context of a stack: parameter values, conditions and files from its definition, resources from
/// an <see cref="IResourceLookup"/> (stored state in the engine, "known after apply" in validation and preview).
/// </summary>
internal sealed class StackEvaluationContext(StackDefinition definition, IResourceLookup resources) : EvaluationContext
{
    public override TemplateVersion Version => definition.Template.Version;

    public override object? GetParameter(string name, SourceSpan span)
    {
        if (definition.Parameters.TryGetValue(name, out var value))
        {
            return value;
        }

        if (definition.Parameters.IsDeclared(name) && definition.MissingParametersAreUnknown)
        {
            return Values.Unknown.Value;
        }

        if (definition.Parameters.IsDeclared(name))
        {
            throw new TemplateException(span, DiagnosticCodes.ParameterMissing,
                $"the parameter '{name}' has no value: pass it with --parameter {name}=VALUE or in an environment file");
        }

        throw new TemplateException(span, DiagnosticCodes.UnknownParameterReference,
            $"the parameter '{name}' is not declared in the template's 'parameters' section{Schema.PropertyValidator.Hint(name, definition.Parameters.Schemas.Select(s => s.Name))}");
    }

    public override object? GetResourceReference(string resourceName, SourceSpan span)
    {
        CheckResource(resourceName, span);
        return resources.GetReference(resourceName, span);
    }

    public override object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span)
    {
        CheckResource(resourceName, span);
        return resources.GetAttribute(resourceName, attributeName, path, span);
    }

    public override object? GetAllAttributes(string resourceName, SourceSpan span)
    {
        CheckResource(resourceName, span);
        var all = resources.GetAllAttributes(resourceName, span);
        if (all is not IReadOnlyDictionary<string, object?> map || definition.OutputAttributeNames(resourceName) is not { Count: > 0 } named)
        {
            return all;
        }

        var withNamed = Values.Value.NewMap();
        foreach (var (key, value) in map)
        {
            withNamed[key] = value;
        }

        foreach (var name in named.Where(n => !map.ContainsKey(n)).Order(StringComparer.Ordinal))
        {
            withNamed[name] = resources.GetAttribute(resourceName, name, [], span);
        }

        return withNamed;
    }

    public override string GetFile(string key, SourceSpan span)
    {
        var diagnostics = new DiagnosticBag();
        return definition.Files.Read(definition.Template.File, key, span, diagnostics, FileLimits.GetFileBytes)
            ?? throw diagnostics.ToImmutable().Select(d => new TemplateException(d.Span, d.Code, d.Message)).First();
    }

    public override bool GetCondition(string name, SourceSpan span) => definition.Conditions(this).IsEnabled(name, span);

    public override object? GetResourceFacade(string kind, SourceSpan span) =>
        definition.Facade is { } facade ? facade.Get(kind) : base.GetResourceFacade(kind, span);

    private void CheckResource(string name, SourceSpan span)
    {
        if (definition.IsEnabled(name))
        {
            return;
        }

        if (definition.Template.FindResource(name) is not null)
        {
            throw new TemplateException(span, DiagnosticCodes.UnknownResourceReference,
                $"the resource '{name}' is disabled by its condition here, so it cannot be referenced; guard the reference with the same condition (if: [...])");
        }

        throw new TemplateException(span, DiagnosticCodes.UnknownResourceReference,
            $"the resource '{name}' is not defined in this template{Schema.PropertyValidator.Hint(name, definition.Template.Resources.Select(r => r.Name))}");
    }
}
