using System.Collections.Immutable;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Model;

namespace Hearth.Templates.Stacks;

/// <summary>
/// The parameters and resources a resource's values (properties, metadata, policies, condition, external id) are
/// computed from, found by walking its expressions without evaluating them. Branches an <c>if</c> would not take are
/// included, so the sets are never too small. An engine uses them to know that a resource would evaluate exactly as
/// before: same expressions, and none of these inputs changed (conditions and files are compared separately).
/// </summary>
/// <param name="Parameters">The parameters read with <c>get_param</c> and a literal name (pseudo parameters included).</param>
/// <param name="Resources">The resources named literally by <c>get_resource</c> or <c>get_attr</c>.</param>
/// <param name="IsComplete">
/// False when the resource reads something the walk cannot name: a parameter or resource name computed by a function,
/// or its <c>resource_facade</c> (a nested stack's parent). Nothing can then be concluded from the sets.
/// </param>
public sealed record ResourceInputs(ImmutableHashSet<string> Parameters, ImmutableHashSet<string> Resources, bool IsComplete)
{
    /// <summary>The inputs of one resource as written.</summary>
    public static ResourceInputs Of(ResourceDefinition resource)
    {
        var parameters = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var resources = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        var complete = true;
        IEnumerable<Expression?> roots = [resource.Properties, resource.Metadata, resource.DeletionPolicy, resource.UpdatePolicy, resource.Condition, resource.ExternalId];
        foreach (var expression in roots.OfType<Expression>().SelectMany(e => e.DescendantsAndSelf()))
        {
            switch (expression)
            {
                case GetParamFunction getParam when ParameterName(getParam.Arguments) is { } name:
                    parameters.Add(name);
                    break;
                case GetParamFunction:
                case ResourceFacadeFunction:
                    complete = false;
                    break;
                case IResourceReference { ResourceName: { } name }:
                    resources.Add(name);
                    break;
                case IResourceReference:
                    complete = false;
                    break;
            }
        }

        return new ResourceInputs(parameters.ToImmutable(), resources.ToImmutable(), complete);
    }

    /// <summary><c>get_param: name</c> or <c>get_param: [name, path…]</c> with the name written literally; else null.</summary>
    private static string? ParameterName(Expression arguments) => arguments switch
    {
        LiteralExpression { Value: string name } => name,
        LiteralExpression { Value: IReadOnlyList<object?> list } when list.Count > 0 && list[0] is string name => name,
        ListExpression { Items: [LiteralExpression { Value: string name }, ..] } => name,
        _ => null,
    };
}
