using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Stacks;

/// <summary>
/// Resource values for functions: the engine answers from stored state, validation and preview answer
/// "known after apply" for anything not created yet.
/// </summary>
public interface IResourceLookup
{
    /// <summary>The value of <c>get_resource</c> for a resource of the template.</summary>
    object? GetReference(string resourceName, SourceSpan span);

    /// <summary>One attribute (the path is already applied by the caller when the type does not handle it).</summary>
    object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span);

    /// <summary>Every attribute of a resource, as a map (<c>get_attr: [name]</c>).</summary>
    object? GetAllAttributes(string resourceName, SourceSpan span);
}

/// <summary>The lookup used while validating or previewing: references are names and attributes are unknown.</summary>
public sealed class UnresolvedResources : IResourceLookup
{
    public static readonly UnresolvedResources Instance = new();

    public object? GetReference(string resourceName, SourceSpan span) => Values.Unknown.Value;

    public object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span) => Values.Unknown.Value;

    public object? GetAllAttributes(string resourceName, SourceSpan span) => Values.Unknown.Value;
}
