using Hearth.State.Sqlite;

namespace Hearth.State.Tests;

/// <summary>A state folder of its own for one test, inside a <see cref="TempDirectory"/> removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly TempDirectory _parent = new("hearth-state-test-");

    /// <summary>Does not exist until something creates it (a new state folder).</summary>
    public string Path => _parent.Combine("state");

    public void Dispose() => _parent.Dispose();
}

/// <summary>Records with sensible defaults, changed with <c>with</c>.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Time = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static StackRecord Stack(string name, string? parentStackId = null, string? parentResourceName = null) => new(
        Id: Guid.NewGuid().ToString(),
        Name: name,
        ParentStackId: parentStackId,
        ParentResourceName: parentResourceName,
        Action: ResourceAction.Create,
        Status: OperationStatus.InProgress,
        StatusReason: "Stack CREATE started",
        CreatedAt: Time,
        UpdatedAt: null,
        Current: new StoredDefinition("""{"heat_template_version":"2021-04-16"}""", "{}", """{"size":"3"}""", "The web tier"),
        Previous: null,
        DisableRollback: false,
        OperationId: null);

    public static ResourceRecord Resource(string stackId, string name, bool isCurrent = true) => new(
        Id: 0,
        StackId: stackId,
        Name: name,
        Type: "OS::Heat::RandomString",
        Action: ResourceAction.Create,
        Status: OperationStatus.InProgress,
        StatusReason: "state changed",
        PhysicalId: null,
        PropertiesJson: """{"length":8}""",
        AttributesJson: "{}",
        MetadataJson: "{}",
        RequiresJson: "[]",
        DataJson: "{}",
        ReplacesId: null,
        ReplacedById: null,
        IsCurrent: isCurrent,
        OperationId: null,
        CreatedAt: Time,
        UpdatedAt: null);

    public static EventRecord Event(
        StackRecord stack,
        string resourceName,
        ResourceAction action = ResourceAction.Create,
        OperationStatus status = OperationStatus.InProgress) => new(
        Sequence: 0,
        Id: Guid.NewGuid().ToString(),
        StackId: stack.Id,
        StackName: stack.Name,
        ResourceName: resourceName,
        PhysicalResourceId: null,
        ResourceType: "OS::Heat::RandomString",
        Action: action,
        Status: status,
        StatusReason: "state changed",
        Time: Time);

    public static OperationRecord Operation(string stackId, ResourceAction kind = ResourceAction.Create) => new(
        Id: Guid.NewGuid().ToString(),
        StackId: stackId,
        Kind: kind,
        State: OperationState.Running,
        PlanJson: """{"steps":["a","b"]}""",
        StartedAt: Time,
        EndedAt: null);

    public static LockOwner Owner(string operation = "update", int processId = 4242) => new(
        OwnerId: Guid.NewGuid().ToString(),
        ProcessId: processId,
        ProcessStartTicks: 1234,
        Host: "test-host",
        AcquiredAt: Time,
        Operation: operation);
}

/// <summary>Opens a store in a folder of its own and closes it afterwards.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private SqliteStateStore? _store;

    internal FakeTimeProvider Clock { get; } = new();

    internal string Folder => _folder.Path;

    internal SqliteStateStore Store => _store ?? throw new InvalidOperationException("The store is not open.");

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() =>
        _store = await SqliteStateStore.OpenAsync(Folder, Clock, Ct).Within();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _folder.Dispose();
    }

    internal Task<SqliteStateStore> OpenAnotherAsync() => SqliteStateStore.OpenAsync(Folder, Clock, Ct).Within();

    internal async Task<StackRecord> CreateStackAsync(string name, string? parentStackId = null)
    {
        var stack = Build.Stack(name, parentStackId);
        await Store.CreateStackAsync(stack, Ct).Within();
        return stack;
    }
}
