using Hearth.Engine.Resources.Handlers;

namespace Hearth.Engine.Resources;

/// <summary>The resource types this build of the engine can deploy.</summary>
public static class BuiltinHandlers
{
    public static ResourceHandlerRegistry Create(TimeProvider time) => new(
    [
        new NoneHandler(),
        new ValueHandler(),
        new RandomStringHandler(),
        new TestResourceHandler(time),
    ]);
}
