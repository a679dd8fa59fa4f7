using System.Collections.Immutable;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Model;

namespace Hearth.Templates.Stacks;

/// <summary>
/// The parameters and resources some of a resource's expressions are computed from, found by walking them without
/// evaluating them. Branches an <c>if</c> would not take are included, so the lists are never too short. An engine uses
/// them to know that a resource would evaluate exactly as before: same expressions, and none of these inputs changed
/// (conditions and files are compared separately).
/// </summary>
/// <param name="Parameters">The parameters read with <c>get_param</c> and a literal name (pseudo parameters included), each once.</param>
/// <param name="Resources">The resources named literally by <c>get_resource</c> or <c>get_attr</c>, each once.</param>
/// <param name="IsComplete">
/// False when the expressions read something the walk cannot name: a parameter or resource name computed by a
/// function, or the <c>resource_facade</c> (a nested stack's parent). Nothing can then be concluded from the lists.
/// </param>
public sealed record ResourceInputs(ImmutableArray<string> Parameters, ImmutableArray<string> Resources, bool IsComplete)
{
    /// <summary>What a resource's values depend on: its properties and metadata (the sections its dependencies come from).</summary>
    public static ResourceInputs OfValues(ResourceDefinition resource) => Of(resource.DependencySources);

    /// <summary>What the rest of a resource depends on: deletion and update policies, condition, external id.</summary>
    public static ResourceInputs OfPolicies(ResourceDefinition resource) =>
        Of(new[] { resource.DeletionPolicy, resource.UpdatePolicy, resource.Condition, resource.ExternalId }.OfType<Expression>());

    /// <summary>The inputs of some expressions.</summary>
    public static ResourceInputs Of(IEnumerable<Expression> expressions)
    {
        List<string>? parameters = null;
        List<string>? resources = null;
        var complete = true;
        var pending = new Stack<Expression>(expressions);
        while (pending.TryPop(out var expression))
        {
            switch (expression)
            {
                case GetParamFunction getParam when ParameterName(getParam.Arguments) is { } name:
                    AddOnce(ref parameters, name);
                    break;
                case GetParamFunction or ResourceFacadeFunction:
                    complete = false;
                    break;
                case IResourceReference { ResourceName: { } name }:
                    AddOnce(ref resources, name);
                    break;
                case IResourceReference:
                    complete = false;
                    break;
            }

            foreach (var child in expression.Children)
            {
                pending.Push(child);
            }
        }

        return new ResourceInputs(parameters is null ? [] : [.. parameters], resources is null ? [] : [.. resources], complete);
    }

    private static void AddOnce(ref List<string>? names, string name)
    {
        names ??= [];
        if (!names.Contains(name))
        {
            names.Add(name);
        }
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
