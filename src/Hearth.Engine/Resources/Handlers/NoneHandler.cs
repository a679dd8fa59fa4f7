using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>OS::Heat::None: makes nothing, accepts any property, every attribute is null, and never updates.</summary>
internal sealed class NoneHandler : ResourceHandler
{
    public override ResourceTypeSchema Schema => UtilitySchemas.None;

    public override bool IsStoreOnly => true;

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ResourceResult.Of(Guid.NewGuid().ToString()));

    public override Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        Task.FromResult(ResourceResult.Of(current.PhysicalId));

    /// <summary>Heat's None ignores its properties, so no change of them replaces it.</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => false;

    public override object? GetAttribute(ResourceState state, string name) => null;

    /// <summary>Heat's None has nothing to show: its <c>show</c> is null too.</summary>
    public override object? Show(ResourceState state) => null;
}
