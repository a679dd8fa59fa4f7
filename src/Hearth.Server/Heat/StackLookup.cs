using Hearth.Engine.Operations;
using Hearth.Hosting;
using Hearth.State;

namespace Hearth.Server.Heat;

/// <summary>A stack as a URL names it: by name or by id, and, under <c>/stacks/{name}/{id}</c>, by both (which must agree).</summary>
internal static class StackLookup
{
    /// <summary>The two ways a route names a stack, which every stack-scoped route is mapped under.</summary>
    public static readonly string[] RoutePrefixes = ["/stacks/{stack_name}", "/stacks/{stack_name}/{stack_id}"];

    public static async Task<StackRecord> FindAsync(HearthEngine host, string nameOrId, string? id, CancellationToken cancellationToken)
    {
        var stack = await host.Store.GetStackByNameAsync(nameOrId, cancellationToken)
            ?? await FindByIdAsync(host, nameOrId, cancellationToken)
            ?? throw NotFound(nameOrId);
        return id is null || id == stack.Id ? stack : throw NotFound($"{nameOrId}/{id}");
    }

    private static async Task<StackRecord?> FindByIdAsync(HearthEngine host, string id, CancellationToken cancellationToken) =>
        await host.Store.GetStackAsync(id, cancellationToken) is { ParentStackId: null } stack ? stack : null;

    private static EngineException NotFound(string name) => new(EngineErrorKind.NotFound, $"The Stack ({name}) could not be found.");
}
