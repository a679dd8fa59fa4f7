namespace Hearth.Templates.Expressions;

/// <summary>
/// A function that refers to a resource (<c>get_resource</c>, <c>get_attr</c>): the graph builder reads these to
/// find dependencies, and validation checks the names.
/// </summary>
public interface IResourceReference
{
    /// <summary>The referenced resource name when it is written literally, or null when a function computes it.</summary>
    string? ResourceName { get; }

    /// <summary>The expression that yields the resource name (for names computed by a function).</summary>
    Expression ResourceNameExpression { get; }

    /// <summary>The attribute name for <c>get_attr</c> when written literally; null for <c>get_resource</c> or a computed name.</summary>
    string? AttributeName { get; }

    /// <summary>True for <c>get_attr</c>, false for <c>get_resource</c>.</summary>
    bool IsAttributeReference { get; }
}
