using System.Collections.Immutable;

namespace Hearth.Templates.Graph;

/// <summary>
/// Finds dependency cycles in a directed graph and names every node on each cycle, in order, so a user sees
/// exactly which resources to untangle (a → b → c → a), not just that a cycle exists.
/// </summary>
public static class CycleDetector
{
    /// <summary>Each cycle as the list of its nodes in edge order (the first node is not repeated at the end).</summary>
    public static ImmutableArray<ImmutableArray<T>> FindCycles<T>(IEnumerable<T> nodes, Func<T, IEnumerable<T>> edges)
        where T : notnull
    {
        // Tarjan's strongly connected components, iteratively, so 10,000-long chains do not overflow the stack.
        var index = 0;
        var indexes = new Dictionary<T, int>();
        var lowLinks = new Dictionary<T, int>();
        var onStack = new HashSet<T>();
        var stack = new Stack<T>();
        var cycles = ImmutableArray.CreateBuilder<ImmutableArray<T>>();

        foreach (var start in nodes)
        {
            if (indexes.ContainsKey(start))
            {
                continue;
            }

            var work = new Stack<(T Node, IEnumerator<T> Edges)>();
            Visit(start);
            while (work.Count > 0)
            {
                var (node, enumerator) = work.Peek();
                if (enumerator.MoveNext())
                {
                    var next = enumerator.Current;
                    if (!indexes.TryGetValue(next, out var nextIndex))
                    {
                        Visit(next);
                    }
                    else if (onStack.Contains(next))
                    {
                        lowLinks[node] = Math.Min(lowLinks[node], nextIndex);
                    }

                    continue;
                }

                work.Pop();
                enumerator.Dispose();
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    lowLinks[parent] = Math.Min(lowLinks[parent], lowLinks[node]);
                }

                if (lowLinks[node] == indexes[node])
                {
                    var component = new List<T>();
                    T member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (!EqualityComparer<T>.Default.Equals(member, node));

                    var selfLoop = component.Count == 1 && edges(node).Contains(node);
                    if (component.Count > 1 || selfLoop)
                    {
                        cycles.Add(OrderAlongEdges(component, edges));
                    }
                }
            }

            void Visit(T node)
            {
                indexes[node] = index;
                lowLinks[node] = index;
                index++;
                stack.Push(node);
                onStack.Add(node);
                work.Push((node, edges(node).GetEnumerator()));
            }
        }

        return cycles.ToImmutable();
    }

    /// <summary>Lays a strongly connected component out as a walk along its edges, starting from its first node in input order.</summary>
    private static ImmutableArray<T> OrderAlongEdges<T>(List<T> component, Func<T, IEnumerable<T>> edges)
        where T : notnull
    {
        var members = component.ToHashSet();
        var start = component[^1];
        var path = new List<T> { start };
        var seen = new HashSet<T> { start };
        var current = start;
        while (true)
        {
            var candidates = edges(current).Where(n => members.Contains(n) && !seen.Contains(n)).Take(1).ToList();
            if (candidates.Count == 0)
            {
                break;
            }

            var next = candidates[0];
            path.Add(next);
            seen.Add(next);
            current = next;
        }

        // Members not reached by the greedy walk still belong to the cycle; list them too.
        path.AddRange(component.Where(m => !seen.Contains(m)));
        return [.. path];
    }
}
