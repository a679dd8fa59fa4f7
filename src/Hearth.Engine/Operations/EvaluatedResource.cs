using Hearth.Engine.Resources;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>A resource's properties, metadata and policies evaluated against the resources converged so far.</summary>
/// <param name="Errors">The property errors found, as one text; null when the properties are valid.</param>
internal sealed record EvaluatedResource(
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Metadata,
    IReadOnlyDictionary<string, object?> UpdatePolicy,
    string DeletionPolicy,
    bool DeleteBeforeCreate,
    IReadOnlyList<string> ReplaceOnChangeOf,
    IReadOnlyList<string> Requires,
    string? Errors)
{
    /// <summary>Evaluates <paramref name="definition"/>; a function that cannot be evaluated throws a <see cref="TemplateException"/>.</summary>
    public static EvaluatedResource Of(StackDefinition target, ResourceDefinition definition, ResourceHandler handler, RuntimeResources resources)
    {
        var context = target.CreateContext(resources);
        var rawProperties = Resolve(definition.Properties.Evaluate(context));
        var metadata = definition.Metadata is null ? Value.NewMap() : Resolve(definition.Metadata.Evaluate(context)) as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var updatePolicy = definition.UpdatePolicy is null ? null : Resolve(definition.UpdatePolicy.Evaluate(context)) as IReadOnlyDictionary<string, object?>;
        var deletionPolicy = definition.DeletionPolicy is null ? "Delete" : NormalizeDeletionPolicy(Resolve(definition.DeletionPolicy.Evaluate(context)));

        var diagnostics = new DiagnosticBag();
        var schema = handler.SchemaFor(rawProperties as IReadOnlyDictionary<string, object?> ?? Value.NewMap());
        var properties = PropertyValidator.Validate(schema, definition.Name, rawProperties, _ => definition.NameSpan, diagnostics);
        var errors = diagnostics.HasErrors ? string.Join("; ", diagnostics.ToImmutable().Where(d => d.IsError).Select(d => d.Message)) : null;

        var replacement = updatePolicy?.GetValueOrDefault("replacement") as string;
        var replaceOnChangeOf = updatePolicy?.GetValueOrDefault("replace_on_change_of") is IReadOnlyList<object?> names
            ? names.Select(Value.ToPythonString).ToList()
            : [];
        return new EvaluatedResource(properties, metadata, updatePolicy ?? Value.NewMap(), deletionPolicy, replacement == "delete_before_create", replaceOnChangeOf,
            target.DependenciesOf(definition), errors);
    }

    private static object? Resolve(object? value) => value is Omitted ? null : value;

    private static string NormalizeDeletionPolicy(object? value) => Value.ToPythonString(value).ToLowerInvariant() switch
    {
        "retain" => "Retain",
        "snapshot" => "Snapshot",
        _ => "Delete",
    };
}
