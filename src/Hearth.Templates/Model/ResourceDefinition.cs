using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Model;

/// <summary>A name written in the template, with where it was written.</summary>
public sealed record NameReference(string Name, SourceSpan Span);

/// <summary>A resource as written in a template, its values parsed into expressions but not evaluated.</summary>
/// <param name="Name">The resource name (the key under <c>resources</c>).</param>
/// <param name="NameSpan">Where the name is written.</param>
/// <param name="Type">The resource type as written (before the environment's registry maps it).</param>
/// <param name="TypeSpan">Where the type is written.</param>
/// <param name="Properties">The properties expression (an empty map when absent).</param>
/// <param name="PropertiesSyntax">The properties as written, for positions of property errors.</param>
/// <param name="Metadata">The metadata expression, if any.</param>
/// <param name="DependsOn">The explicit <c>depends_on</c> names.</param>
/// <param name="DeletionPolicy">The deletion policy expression, if any.</param>
/// <param name="UpdatePolicy">The update policy expression, if any.</param>
/// <param name="Description">The resource description, if any.</param>
/// <param name="Condition">The condition expression (a name, a boolean or a condition function), if any.</param>
/// <param name="ExternalId">The external id expression, if any.</param>
public sealed record ResourceDefinition(
    string Name,
    SourceSpan NameSpan,
    string Type,
    SourceSpan TypeSpan,
    Expression Properties,
    SyntaxNode? PropertiesSyntax,
    Expression? Metadata,
    ImmutableArray<NameReference> DependsOn,
    Expression? DeletionPolicy,
    Expression? UpdatePolicy,
    string? Description,
    Expression? Condition,
    Expression? ExternalId)
{
    /// <summary>The expressions whose references make dependencies (Heat: properties and metadata only).</summary>
    public IEnumerable<Expression> DependencySources => Metadata is null ? [Properties] : [Properties, Metadata];

    /// <summary>Every expression of the resource, for validation walks.</summary>
    public IEnumerable<Expression> AllExpressions =>
        new[] { Properties, Metadata, DeletionPolicy, UpdatePolicy, ExternalId }.OfType<Expression>();
}

/// <summary>An output as written: its value expression, description and condition.</summary>
public sealed record OutputDefinition(
    string Name,
    SourceSpan NameSpan,
    Expression Value,
    string? Description,
    Expression? Condition);

/// <summary>A parameter group (<c>parameter_groups</c>): a label and the parameters it shows together.</summary>
public sealed record ParameterGroup(string? Label, string? Description, ImmutableArray<NameReference> Parameters);
