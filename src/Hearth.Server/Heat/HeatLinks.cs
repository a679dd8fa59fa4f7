using Hearth.State;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Heat;

/// <summary>
/// The URLs Heat puts in its bodies and <c>Location</c> headers, under the request's own <c>/v1/{tenant}</c>. The
/// OpenStack client reads a stack's name and id back from them (an event's <c>stack</c> link says which stack it is of).
/// </summary>
internal sealed class HeatLinks(HttpRequest request, string tenant)
{
    public string Root => $"{request.Scheme}://{request.Host}{request.PathBase}/v1/{Uri.EscapeDataString(tenant)}";

    public string Stack(string name, string id) => $"{Root}/stacks/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(id)}";

    public string Stack(StackRecord stack) => Stack(stack.Name, stack.Id);

    public string Resource(string stackName, string stackId, string resource) =>
        $"{Stack(stackName, stackId)}/resources/{Uri.EscapeDataString(resource)}";

    public static List<object?> Of(params (string Rel, string Href)[] links) =>
        [.. links.Select(l => (object?)new Dictionary<string, object?> { ["href"] = l.Href, ["rel"] = l.Rel })];
}
