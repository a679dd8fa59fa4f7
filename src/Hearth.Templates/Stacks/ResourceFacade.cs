using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Model;
using Hearth.Templates.Values;

namespace Hearth.Templates.Stacks;

/// <summary>
/// What <c>resource_facade</c> gives inside a nested stack: the parent resource's metadata, deletion_policy and
/// update_policy, resolved (Heat's ResourceFacade: <c>metadata_get()</c>, <c>deletion_policy()</c> — <c>Delete</c>
/// when none is set — and the update policy, <c>{}</c> when none is set).
/// </summary>
/// <param name="Metadata">The parent resource's resolved metadata (an empty map when it has none).</param>
/// <param name="UpdatePolicy">Its resolved update_policy (an empty map when it has none).</param>
/// <param name="DeletionPolicy">Its deletion_policy, evaluated when first asked.</param>
public sealed record ResourceFacade(object? Metadata, object? UpdatePolicy, Func<object?> DeletionPolicy)
{
    public object? Get(string kind) => kind switch
    {
        "metadata" => Metadata,
        "deletion_policy" => DeletionPolicy(),
        _ => UpdatePolicy,
    };

    /// <summary>The facade of <paramref name="resource"/>, each section evaluated in its stack's <paramref name="context"/>.</summary>
    public static ResourceFacade Of(ResourceDefinition resource, EvaluationContext context) =>
        new(Evaluate(resource.Metadata, context) ?? Value.NewMap(), Evaluate(resource.UpdatePolicy, context) ?? Value.NewMap(), () => DeletionPolicyOf(resource, context));

    /// <summary>The facade of a resource whose metadata and update_policy the engine has already resolved.</summary>
    public static ResourceFacade Resolved(ResourceDefinition resource, EvaluationContext context, object? metadata, object? updatePolicy) =>
        new(metadata ?? Value.NewMap(), updatePolicy ?? Value.NewMap(), () => DeletionPolicyOf(resource, context));

    private static object? DeletionPolicyOf(ResourceDefinition resource, EvaluationContext context) =>
        Evaluate(resource.DeletionPolicy, context) ?? "Delete";

    private static object? Evaluate(Expression? expression, EvaluationContext context)
    {
        if (expression is null)
        {
            return null;
        }

        try
        {
            var value = expression.Evaluate(context);
            return value is Omitted ? null : value;
        }
        catch (TemplateException)
        {
            // The parent's own validation reports it where it is written.
            return Unknown.Value;
        }
    }
}
