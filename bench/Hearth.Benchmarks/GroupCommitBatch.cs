using BenchmarkDotNet.Attributes;
using Hearth.State;
using Hearth.State.Sqlite;

namespace Hearth.Benchmarks;

/// <summary>
/// What the store pays to commit the group-commit backlog of a big create of <c>OS::Heat::None</c> (gen.py's flat shape):
/// <see cref="Resources"/> new rows with reserved ids, each queued twice with its event (CREATE_IN_PROGRESS, then
/// CREATE_COMPLETE, as the engine's StepWriter queues them), all queued at once and awaited. A real SQLite file in WAL
/// mode, as the CLI and the server open it; each invocation writes a stack of its own.
/// </summary>
[MemoryDiagnoser]
public class GroupCommitBatch
{
    private static readonly DateTimeOffset Time = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private string _folder = "";
    private SqliteStateStore _store = null!;
    private StackRecord _stack = null!;
    private long _firstId;

    [Params(2_000)]
    public int Resources { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("hearth-bench-commit-").FullName;
        _store = SqliteStateStore.OpenAsync(Path.Combine(_folder, "state"), TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A new stack and its ids for each invocation, so every one inserts the same rows into a store of the same size.</summary>
    [IterationSetup]
    public void NewStack()
    {
        if (_stack is not null)
        {
            _store.DeleteStackAsync(_stack.Id, CancellationToken.None).GetAwaiter().GetResult();
        }

        _stack = new StackRecord(Guid.NewGuid().ToString(), "bench", null, null, ResourceAction.Create, OperationStatus.InProgress,
            "Stack CREATE started", Time, null, new StoredDefinition("{}", "{}", "{}", Description: null), null, DisableRollback: false, OperationId: null);
        _store.CreateStackAsync(_stack, CancellationToken.None).GetAwaiter().GetResult();
        _firstId = _store.ReserveResourceIdsAsync(Resources, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public async Task QueueAndCommit()
    {
        var steps = new Task[2 * Resources];
        for (var i = 0; i < Resources; i++)
        {
            var row = new ResourceRecord(_firstId + i, _stack.Id, $"r{i}", "OS::Heat::None", ResourceAction.Create, OperationStatus.InProgress,
                "state changed", null, "{}", "{}", "{}", "[]", "{}", null, null, IsCurrent: true, OperationId: null, Time, Time);
            steps[2 * i] = _store.QueueResourceAsync(row, Event(row));
            var done = row with { Status = OperationStatus.Complete, PhysicalId = $"{_stack.Name}-r{i}-abcdef", StatusReason = "state changed" };
            steps[(2 * i) + 1] = _store.QueueResourceAsync(done, Event(done));
        }

        await Task.WhenAll(steps);
    }

    /// <summary>
    /// <paramref name="count"/> invocations in a plain loop, printing the median and fastest wall of one: on a loaded machine
    /// the median of many invocations separates two builds run alternately better than a short BenchmarkDotNet job.
    /// </summary>
    public static int RunLoop(int count)
    {
        var benchmark = new GroupCommitBatch { Resources = 2_000 };
        benchmark.Setup();
        var walls = new List<double>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                benchmark.NewStack();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                benchmark.QueueAndCommit().GetAwaiter().GetResult();
                walls.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        finally
        {
            benchmark.Cleanup();
        }

        walls.Sort();
        // A benchmark's program prints its result, as BenchmarkDotNet does.
#pragma warning disable RS0030
        Console.WriteLine($"GroupCommitBatch {benchmark.Resources} resources: median {walls[walls.Count / 2]:F1} ms, fastest {walls[0]:F1} ms of {count}");
#pragma warning restore RS0030
        return 0;
    }

    private EventRecord Event(ResourceRecord row) => new(0, Guid.NewGuid().ToString(), _stack.Id, _stack.Name, row.Name, row.PhysicalId,
        row.Type, row.Action, row.Status, row.StatusReason, Time, EventKind.Status, null);
}
