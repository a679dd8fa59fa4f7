using Hearth.Engine.Operations;

namespace Hearth.Server.Dashboard;

/// <summary>
/// Each node's layer: 0 with no dependencies, else one more than its deepest dependency's. The dashboard draws a layer
/// per row, so the picture reads in the order the engine can run it. Kahn's order, so a long chain never recurses.
/// </summary>
internal static class GraphLayers
{
    public static Dictionary<string, int> Of(IReadOnlyList<GraphNode> nodes)
    {
        var names = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var waiting = new Dictionary<string, int>(StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var layers = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new Queue<string>();
        foreach (var node in nodes)
        {
            var dependencies = node.DependsOn.Where(names.Contains).Distinct(StringComparer.Ordinal).ToList();
            waiting[node.Name] = dependencies.Count;
            layers[node.Name] = 0;
            foreach (var dependency in dependencies)
            {
                (dependents.TryGetValue(dependency, out var list) ? list : dependents[dependency] = []).Add(node.Name);
            }

            if (dependencies.Count == 0)
            {
                ready.Enqueue(node.Name);
            }
        }

        while (ready.TryDequeue(out var name))
        {
            foreach (var dependent in dependents.GetValueOrDefault(name) ?? [])
            {
                layers[dependent] = Math.Max(layers[dependent], layers[name] + 1);
                if (--waiting[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        return layers;
    }
}
