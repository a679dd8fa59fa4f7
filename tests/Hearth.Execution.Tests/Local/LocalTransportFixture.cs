using System.Collections.Immutable;
using Hearth.Execution.Local;

namespace Hearth.Execution.Tests.Local;

/// <summary>A state root of its own per test, and a transport over it.</summary>
public abstract class LocalTransportFixture : IDisposable
{
    /// <summary>The limit on any single await in these tests; a hang fails the test instead of the run.</summary>
    protected static readonly TimeSpan TestTimeout = TestTimeouts.Default;

    private readonly TempDirectory _stateRoot = new("hearth-exec-");
    private LocalTransport _transport;

    protected LocalTransportFixture()
    {
        _transport = new LocalTransport(new LocalTransportOptions(StateRoot));
    }

    protected string StateRoot => _stateRoot.Path;

    /// <summary>The transport under test; one set in its place ends the previous one's script monitor.</summary>
    protected LocalTransport Transport
    {
        get => _transport;
        set
        {
            _transport.Dispose();
            _transport = value;
        }
    }

    /// <summary>A script monitor of the test's own, for tests below the transport.</summary>
    protected ChildMonitor Monitor { get; } = new();

    protected static DeploymentRequest Request(
        string config,
        IEnumerable<DeploymentInput>? inputs = null,
        IEnumerable<DeploymentOutputDeclaration>? outputs = null,
        string group = "script",
        string action = "CREATE",
        TimeSpan? timeout = null,
        string deploymentId = "d-1") =>
        new(
            deploymentId,
            "server-1",
            action,
            group,
            config,
            (inputs ?? []).ToImmutableArray(),
            (outputs ?? []).ToImmutableArray(),
            ImmutableDictionary<string, object?>.Empty,
            timeout ?? TestTimeout);

    protected async Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct = default) =>
        await Transport.DeployAsync(request, ct).WaitAsync(TestTimeout);

    public void Dispose()
    {
        _transport.Dispose();
        Monitor.Dispose();
        _stateRoot.Dispose();
        GC.SuppressFinalize(this);
    }
}
