using Hearth.State;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// Resources and outputs as a user may see them: hidden values masked (<see cref="HiddenValues"/>). Only reads go
/// through here; the store and the functions that pass values between resources keep them whole.
/// </summary>
internal static class ShownValues
{
    /// <summary>The outputs of <paramref name="definition"/>, evaluated against <paramref name="resources"/> and masked.</summary>
    public static IReadOnlyList<OutputValue> Outputs(StackDefinition definition, IResourceLookup resources, HiddenValues hidden) =>
        [.. definition.Template.Outputs.Zip(Definitions.EvaluateOutputs(definition, resources), (template, output) => output with
        {
            Value = hidden.MaskComputed(template.Value, output.Value),
            Error = output.Error is null ? null : hidden.Mask(output.Error),
        })];

    /// <param name="rows">Rows as stored.</param>
    /// <param name="definition">
    /// The definition of the rows' stack, whose properties expressions say which values are computed from hidden ones;
    /// null for a nested stack's rows (their text is still masked).
    /// </param>
    /// <param name="hidden">What to mask.</param>
    public static IReadOnlyList<ResourceRecord> Resources(IReadOnlyList<ResourceRecord> rows, StackDefinition? definition, HiddenValues hidden)
    {
        if (hidden.IsEmpty)
        {
            return rows;
        }

        return [.. rows.Select(row =>
        {
            var properties = ValueJson.Deserialize(row.PropertiesJson);
            return row with
            {
                StatusReason = hidden.Mask(row.StatusReason),
                PropertiesJson = ValueJson.Serialize(definition?.Template.FindResource(row.Name) is { } template ? hidden.MaskComputed(template.Properties, properties) : hidden.Mask(properties)),
                AttributesJson = ValueJson.Serialize(hidden.Mask(ValueJson.Deserialize(row.AttributesJson))),
                MetadataJson = ValueJson.Serialize(hidden.Mask(ValueJson.Deserialize(row.MetadataJson))),
            };
        })];
    }
}
