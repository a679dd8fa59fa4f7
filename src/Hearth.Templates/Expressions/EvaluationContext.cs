using Hearth.Templates.Diagnostics;
using Hearth.Templates.Versions;
using Hearth.Templates.Yaql;

namespace Hearth.Templates.Expressions;

/// <summary>
/// What functions need from the stack around them: parameter values, resources, files and conditions.
/// The template layer evaluates against this; the engine, validation and tests each provide one.
/// Every lookup that fails because of the user's template throws <see cref="TemplateException"/> with the given span.
/// </summary>
public abstract class EvaluationContext
{
    public abstract TemplateVersion Version { get; }

    /// <summary>The resolved value of a parameter or pseudo-parameter (<c>OS::stack_name</c>, …).</summary>
    public abstract object? GetParameter(string name, SourceSpan span);

    /// <summary>The value of <c>get_resource</c>: the resource's reference id (its physical id, or its name before creation).</summary>
    public abstract object? GetResourceReference(string resourceName, SourceSpan span);

    /// <summary>
    /// The value of <c>get_attr: [resource, attribute, path…]</c>. Null when the resource is not ready yet;
    /// <see cref="Values.Unknown"/> while validating or previewing.
    /// </summary>
    public abstract object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span);

    /// <summary>The value of <c>get_attr: [resource]</c> (2015-10-15+): a map of every attribute.</summary>
    public abstract object? GetAllAttributes(string resourceName, SourceSpan span);

    /// <summary>The content of a file named by <c>get_file</c>, verbatim.</summary>
    public abstract string GetFile(string key, SourceSpan span);

    /// <summary>The value of a named condition of the <c>conditions</c> section.</summary>
    public abstract bool GetCondition(string name, SourceSpan span);

    /// <summary>Heat's <c>[yaql]</c> limits for the <c>yaql</c> function; an operator may raise them.</summary>
    public virtual YaqlLimits YaqlLimits => YaqlLimits.Heat;

    /// <summary>The value of <c>resource_facade</c> (metadata, deletion_policy or update_policy of the parent resource).</summary>
    public virtual object? GetResourceFacade(string kind, SourceSpan span) =>
        throw new TemplateException(span, DiagnosticCodes.FunctionEvaluation,
            "resource_facade is only usable in a template used as a resource type (a nested stack)");
}
