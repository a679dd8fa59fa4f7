using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>OS::Heat::Value: exposes its <c>value</c> property (converted to its <c>type</c>) as the attribute <c>value</c>.</summary>
internal sealed class ValueHandler : ResourceHandler
{
    public override ResourceTypeSchema Schema => UtilitySchemas.Value;

    public override bool IsStoreOnly => true;

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ResourceResult.Of(request.PhysicalName, [new("value", request.Properties.GetValueOrDefault("value"))]));
}
