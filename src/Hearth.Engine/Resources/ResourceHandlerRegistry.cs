using System.Collections.Frozen;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources;

/// <summary>The resource types the engine can act on, by name; also the schema catalog validation reads.</summary>
public sealed class ResourceHandlerRegistry(IEnumerable<ResourceHandler> handlers) : IResourceTypeCatalog
{
    private readonly FrozenDictionary<string, ResourceHandler> _handlers =
        handlers.ToFrozenDictionary(h => h.Type, StringComparer.Ordinal);

    public ResourceHandler? Find(string type) => _handlers.GetValueOrDefault(type);

    ResourceTypeSchema? IResourceTypeCatalog.Find(string type) => _handlers.GetValueOrDefault(type)?.Schema;

    public IEnumerable<string> TypeNames => _handlers.Keys.Order(StringComparer.Ordinal);
}
