namespace Hearth.Engine.Resources.Software;

/// <summary>
/// At most <c>max_concurrent_deployments</c> deployments run on one server at once (Heat applies a server's
/// deployments one at a time). When a slot frees, the waiting deployment with the smallest name goes next, so
/// deployments that the graph leaves unordered run on a server in name order.
/// </summary>
/// <remarks>
/// Deployments that become ready together reach the gate one by one (each reads the store first), so the first to
/// arrive would take a free slot whatever its name. The engine therefore announces them (<see cref="Announce"/>)
/// before any starts, and a free slot is not given while a deployment with a smaller name is announced but has not
/// arrived yet (it arrives, or its step ends without running anything, which withdraws it), unless the slots suffice
/// for every such deployment too: then order cannot change who runs, and waiting would only delay the start.
/// </remarks>
internal sealed class ServerGates
{
    private static readonly Comparer<(string Name, long Order)> ByName =
        Comparer<(string Name, long Order)>.Create((a, b) =>
            string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.Order.CompareTo(b.Order));

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Server> _servers = new(StringComparer.Ordinal);
    private readonly SortedSet<(string Name, long Order)> _announced = new(ByName);
    private long _order;

    private sealed class Server
    {
        public int Running { get; set; }

        public int Capacity { get; set; } = 1;

        public SortedDictionary<(string Name, long Order), TaskCompletionSource> Waiting { get; } = new(ByName);
    }

    /// <summary>A deployment is about to start; disposing the result withdraws it if it never reached a gate.</summary>
    public IDisposable Announce(string deploymentName)
    {
        lock (_gate)
        {
            var key = (deploymentName, _order++);
            _announced.Add(key);
            return new Ticket(this, key);
        }
    }

    public async Task<IDisposable> EnterAsync(string serverId, int capacity, string deploymentName, CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (string, long) entry;
        lock (_gate)
        {
            // This deployment has arrived: it no longer holds back the others.
            var announced = _announced.GetViewBetween((deploymentName, long.MinValue), (deploymentName, long.MaxValue));
            if (announced.Count > 0)
            {
                _announced.Remove(announced.Min);
            }

            var server = Get(serverId);
            server.Capacity = capacity;
            entry = (deploymentName, _order++);
            server.Waiting.Add(entry, ready);
            DispatchAll();
        }

        using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (Get(serverId).Waiting.Remove(entry))
                {
                    ready.TrySetCanceled(cancellationToken);
                    DispatchAll();
                }
            }
        }))
        {
            await ready.Task;
        }

        return new Slot(this, serverId);
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

    /// <summary>Gives free slots to waiting deployments in name order, holding back for smaller announced names. Under the lock.</summary>
    private void DispatchAll()
    {
        foreach (var server in _servers.Values)
        {
            while (server.Running < server.Capacity && server.Waiting.Count > 0)
            {
                var (next, ready) = server.Waiting.First();
                var free = server.Capacity - server.Running;
                if (SmallerAnnounced(next.Name, limit: free) >= free)
                {
                    break;
                }

                server.Waiting.Remove(next);
                server.Running++;
                ready.TrySetResult();
            }
        }
    }

    /// <summary>How many announced deployments have a name smaller than <paramref name="name"/>, counted up to <paramref name="limit"/>.</summary>
    private int SmallerAnnounced(string name, int limit)
    {
        var count = 0;
        foreach (var announced in _announced)
        {
            if (count >= limit || string.CompareOrdinal(announced.Name, name) >= 0)
            {
                break;
            }

            count++;
        }

        return count;
    }

    private void Leave(string serverId)
    {
        lock (_gate)
        {
            Get(serverId).Running--;
            DispatchAll();
        }
    }

    private void Withdraw((string Name, long Order) key)
    {
        lock (_gate)
        {
            if (_announced.Remove(key))
            {
                DispatchAll();
            }
        }
    }

    private sealed class Ticket(ServerGates gates, (string Name, long Order) key) : IDisposable
    {
        public void Dispose() => gates.Withdraw(key);
    }

    private sealed class Slot(ServerGates gates, string serverId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gates.Leave(serverId);
            }
        }
    }
}
