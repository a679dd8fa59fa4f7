using System.Threading.Channels;

namespace Hearth.Engine.Graph;

/// <summary>How one node of a traversal ended.</summary>
public enum NodeOutcome
{
    /// <summary>The node's work ran and succeeded.</summary>
    Succeeded,

    /// <summary>The node's work ran and failed.</summary>
    Failed,

    /// <summary>The node never started: something failed first, or a dependency did not succeed.</summary>
    NotStarted,
}

/// <summary>
/// Runs work over a dependency graph: every node starts as soon as all its dependencies have succeeded, with at most
/// <c>maxParallel</c> running at once. Failure policy: after the first failure no new node starts, the running ones
/// finish, and the traversal ends (the caller then rolls back). One coordinator loop and a channel of completions,
/// so the cost per node is constant however large the graph.
/// </summary>
public sealed class GraphRunner<TNode>(int maxParallel)
    where TNode : notnull
{
    public int MaxParallel { get; } = maxParallel > 0 ? maxParallel : throw new ArgumentOutOfRangeException(nameof(maxParallel));

    /// <param name="nodes">The nodes to run.</param>
    /// <param name="dependencies">The nodes a node waits for; dependencies outside <paramref name="nodes"/> are ignored.</param>
    /// <param name="work">The node's work: true when it succeeded. An exception counts as a failure and is rethrown at the end if nothing reported it.</param>
    /// <param name="cancellationToken">Stops starting new nodes; running ones get the token too.</param>
    /// <param name="starting">
    /// Called on the coordinator, before any of the nodes that become ready together has started its work; what it
    /// returns is disposed when the node's work ends. It lets nodes that start together learn of each other first.
    /// </param>
    public async Task<IReadOnlyDictionary<TNode, NodeOutcome>> RunAsync(
        IReadOnlyCollection<TNode> nodes,
        Func<TNode, IEnumerable<TNode>> dependencies,
        Func<TNode, CancellationToken, Task<bool>> work,
        CancellationToken cancellationToken,
        Func<TNode, IDisposable?>? starting = null)
    {
        var nodeSet = nodes.ToHashSet();
        var waitingOn = new Dictionary<TNode, int>(nodeSet.Count);
        var dependents = nodeSet.ToDictionary(n => n, _ => new List<TNode>());
        foreach (var node in nodeSet)
        {
            var count = 0;
            foreach (var dependency in dependencies(node).Distinct())
            {
                if (nodeSet.Contains(dependency) && !EqualityComparer<TNode>.Default.Equals(dependency, node))
                {
                    dependents[dependency].Add(node);
                    count++;
                }
            }

            waitingOn[node] = count;
        }

        var outcomes = nodeSet.ToDictionary(n => n, _ => NodeOutcome.NotStarted);
        var ready = new Queue<TNode>(nodeSet.Where(n => waitingOn[n] == 0));
        var completions = Channel.CreateUnbounded<(TNode Node, bool Succeeded, Exception? Error)>(new UnboundedChannelOptions { SingleReader = true });
        var running = 0;
        var failed = false;
        Exception? firstError = null;

        while (true)
        {
            var batch = new List<(TNode Node, IDisposable? Ticket)>();
            while (!failed && !cancellationToken.IsCancellationRequested && running < MaxParallel && ready.TryDequeue(out var next))
            {
                running++;
                batch.Add((next, starting?.Invoke(next)));
            }

            foreach (var (started, ticket) in batch)
            {
                _ = RunOneAsync(started, ticket);
            }

            if (running == 0)
            {
                break;
            }

            // Completions are always read, even once cancelled, so that running work is never abandoned.
            var (node, succeeded, error) = await completions.Reader.ReadAsync(CancellationToken.None);
            running--;
            outcomes[node] = succeeded ? NodeOutcome.Succeeded : NodeOutcome.Failed;
            if (!succeeded)
            {
                failed = true;
                firstError ??= error;
                continue;
            }

            foreach (var dependent in dependents[node])
            {
                if (--waitingOn[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        if (firstError is not null)
        {
            throw new GraphRunException("a graph node's work threw", firstError);
        }

        return outcomes;

        async Task RunOneAsync(TNode node, IDisposable? ticket)
        {
            using var _ = ticket;
            try
            {
                // Yield first so that starting many nodes never runs their synchronous parts on the coordinator's stack.
                await Task.Yield();
                var ok = await work(node, cancellationToken);
                completions.Writer.TryWrite((node, ok, null));
            }
            catch (Exception e)
            {
                completions.Writer.TryWrite((node, false, e));
            }
        }
    }
}

/// <summary>A node's work threw instead of reporting a failure: a bug, carried out of the traversal with its cause.</summary>
public sealed class GraphRunException(string message, Exception inner) : Exception(message, inner);
