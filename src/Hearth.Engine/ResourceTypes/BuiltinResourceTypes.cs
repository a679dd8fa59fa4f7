using System.Collections.Frozen;
using System.Collections.Immutable;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;

namespace Hearth.Engine.ResourceTypes;

/// <summary>
/// The schemas of every resource type Hearth implements, as Heat declares them (plus Hearth's DeployedServer
/// transports). Template validation looks types up here.
/// </summary>
public sealed class BuiltinResourceTypes : IResourceTypeCatalog
{
    /// <summary>The catalog; it holds only immutable schemas, so one instance serves everyone.</summary>
    public static BuiltinResourceTypes Instance { get; } = new();

    private readonly FrozenDictionary<string, ResourceTypeSchema> _byName;

    private BuiltinResourceTypes()
    {
        All =
        [
            UtilitySchemas.None,
            UtilitySchemas.Value,
            UtilitySchemas.RandomString,
            UtilitySchemas.TestResource,
            SoftwareConfigSchemas.SoftwareConfig,
            SoftwareConfigSchemas.SoftwareComponent,
            SoftwareConfigSchemas.StructuredConfig,
            SoftwareConfigSchemas.MultipartMime,
            SoftwareConfigSchemas.CloudConfig,
            SoftwareDeploymentSchemas.SoftwareDeployment,
            SoftwareDeploymentSchemas.StructuredDeployment,
            SoftwareDeploymentSchemas.SoftwareDeploymentGroup,
            SoftwareDeploymentSchemas.StructuredDeploymentGroup,
            DeployedServerSchema.Schema,
            ResourceGroupSchema.Schema,
            ResourceChainSchema.Schema,
            WaitConditionSchemas.WaitConditionHandle,
            WaitConditionSchemas.WaitCondition,
        ];
        _byName = All.ToFrozenDictionary(s => s.Type, StringComparer.Ordinal);
    }

    /// <summary>Every schema, in the order of Hearth's documentation.</summary>
    public ImmutableArray<ResourceTypeSchema> All { get; }

    /// <inheritdoc />
    public IEnumerable<string> TypeNames => All.Select(s => s.Type);

    /// <inheritdoc />
    public ResourceTypeSchema? Find(string type) => _byName.GetValueOrDefault(type);
}
