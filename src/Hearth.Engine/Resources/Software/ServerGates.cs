namespace Hearth.Engine.Resources.Software;

/// <summary>
/// At most <c>max_concurrent_deployments</c> deployments run on one server at once (Heat applies a server's
/// deployments one at a time). When a slot frees, the waiting deployment with the smallest name goes next, so
/// deployments that the graph leaves unordered run on a server in name order.
/// </summary>
internal sealed class ServerGates
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Server> _servers = new(StringComparer.Ordinal);

    private sealed class Server
    {
        public int Running { get; set; }

        public SortedSet<(string Name, long Order, TaskCompletionSource Ready)> Waiting { get; } =
            new(Comparer<(string Name, long Order, TaskCompletionSource Ready)>.Create((a, b) =>
                string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.Order.CompareTo(b.Order)));
    }

    private long _order;

    public async Task<IDisposable> EnterAsync(string serverId, int capacity, string deploymentName, CancellationToken cancellationToken)
    {
        TaskCompletionSource ready;
        (string, long, TaskCompletionSource) entry;
        lock (_gate)
        {
            var server = Get(serverId);
            if (server.Running < capacity && server.Waiting.Count == 0)
            {
                server.Running++;
                return new Slot(this, serverId, capacity);
            }

            ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            entry = (deploymentName, _order++, ready);
            server.Waiting.Add(entry);
        }

        using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (Get(serverId).Waiting.Remove(entry))
                {
                    ready.TrySetCanceled(cancellationToken);
                }
            }
        }))
        {
            await ready.Task;
        }

        return new Slot(this, serverId, capacity);
    }

    private Server Get(string serverId)
    {
        if (!_servers.TryGetValue(serverId, out var server))
        {
            server = new Server();
            _servers[serverId] = server;
        }

        return server;
    }

    private void Leave(string serverId, int capacity)
    {
        lock (_gate)
        {
            var server = Get(serverId);
            server.Running--;
            while (server.Running < capacity && server.Waiting.Count > 0)
            {
                var next = server.Waiting.Min;
                server.Waiting.Remove(next);
                server.Running++;
                next.Ready.TrySetResult();
            }
        }
    }

    private sealed class Slot(ServerGates gates, string serverId, int capacity) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gates.Leave(serverId, capacity);
            }
        }
    }
}
