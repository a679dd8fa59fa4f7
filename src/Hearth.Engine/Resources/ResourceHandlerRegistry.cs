using System.Collections.Frozen;

namespace Hearth.Engine.Resources;

/// <summary>The resource types the engine can act on, by name.</summary>
public sealed class ResourceHandlerRegistry(IEnumerable<ResourceHandler> handlers)
{
    private readonly FrozenDictionary<string, ResourceHandler> _handlers =
        handlers.ToFrozenDictionary(h => h.Type, StringComparer.Ordinal);

    /// <summary>The handler of a type; for a template type (a nested stack), one that reads stored nested resources.</summary>
    public ResourceHandler? Find(string type) =>
        _handlers.GetValueOrDefault(type) ?? (Handlers.NestedStackHandler.IsTemplateType(type) ? Handlers.NestedStackHandler.Reader : null);

    public IEnumerable<string> TypeNames => _handlers.Keys.Order(StringComparer.Ordinal);

    internal IEnumerable<ResourceHandler> All => _handlers.Values;

    /// <summary>These handlers, with <paramref name="replacements"/> taking over their types.</summary>
    internal ResourceHandlerRegistry With(params ResourceHandler[] replacements) =>
        new(_handlers.Values.Where(h => replacements.All(r => r.Type != h.Type)).Concat(replacements));
}
