using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.Engine.Resources.Signals;
using Hearth.Engine.Resources.Software;
using Hearth.Execution;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Files;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// One engine over a real SQLite store in a folder of its own, with the built-in resource types: what the CLI runs,
/// without the CLI. Templates are written to files in the same folder and captured from disk. The clock is the
/// system's unless a test passes a <see cref="FakeTimeProvider"/> (waits, timeouts and pauses then move only with it).
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TestTimeouts.Default;

    private readonly TempDirectory _folder;
    private readonly SqliteStateStore _store;
    private readonly IStateStore _engineStore;
    private readonly ResourceHandlerRegistry _handlers;
    private readonly TimeProvider _time;
    private int _templates;

    private EngineHarness(TempDirectory folder, SqliteStateStore store, TimeProvider time, IDeploymentTransport? transport, int maxParallel, ResourceHandler[] replacements,
        Func<IStateStore, IStateStore>? storeAround = null, ITransportProvider? ssh = null)
    {
        _folder = folder;
        _store = store;
        var engineStore = storeAround?.Invoke(store) ?? store;
        // Wait conditions read their handle's signals from the store; software deployments run only given a transport.
        var deployments = transport is null ? null : new DeploymentServices(engineStore, transport, TimeSpan.FromHours(1));
        if (deployments is not null && ssh is not null)
        {
            deployments = deployments with
            {
                Transports = new DeploymentTransports(new Dictionary<string, ITransportProvider> { [DeploymentTransports.Local] = DeploymentTransports.Single(transport!), ["SSH"] = ssh }),
            };
        }

        _handlers = BuiltinHandlers.Create(time, deployments).With([new WaitConditionHandler(engineStore, time), .. replacements]);
        _engineStore = engineStore;
        _time = time;
        Engine = new StackEngine(engineStore, _handlers, time, new EngineOptions(maxParallel));
    }

    public StackEngine Engine { get; }

    /// <summary>Another engine over the same store and resource types: the next command's, with its own options and caches.</summary>
    public StackEngine EngineWith(EngineOptions options) => new(_engineStore, _handlers, _time, options);

    public IStateStore Store => _store;

    /// <param name="maxParallel">The engine's bound on steps at once.</param>
    /// <param name="replacements">Handlers that take over built-in types (a probe in place of TestResource).</param>
    public static Task<EngineHarness> CreateAsync(int maxParallel = EngineOptions.DefaultMaxParallel, params ResourceHandler[] replacements) =>
        CreateAsync(TimeProvider.System, maxParallel, replacements);

    /// <param name="time">The engine's clock: a <see cref="FakeTimeProvider"/> for tests of waits and timeouts.</param>
    public static Task<EngineHarness> CreateAsync(TimeProvider time, int maxParallel = EngineOptions.DefaultMaxParallel, params ResourceHandler[] replacements) =>
        CreateAsync(time, transport: null, maxParallel, replacements);

    /// <param name="transport">Where software deployments run (a fake that records them).</param>
    public static Task<EngineHarness> CreateAsync(TimeProvider time, IDeploymentTransport transport) =>
        CreateAsync(time, transport, EngineOptions.DefaultMaxParallel, []);

    /// <param name="storeAround">What the engine sees in place of the store: a probe that records its calls and forwards them.</param>
    public static Task<EngineHarness> CreateAsync(Func<IStateStore, IStateStore> storeAround) =>
        CreateAsync(TimeProvider.System, transport: null, EngineOptions.DefaultMaxParallel, [], storeAround);

    /// <param name="local">Where deployments on LOCAL servers run.</param>
    /// <param name="ssh">The provider of the SSH transport (a fake that records what it is asked).</param>
    public static async Task<EngineHarness> CreateAsync(IDeploymentTransport local, ITransportProvider ssh)
    {
        var (folder, store) = await OpenStoreAsync(TimeProvider.System);
        return new EngineHarness(folder, store, TimeProvider.System, local, EngineOptions.DefaultMaxParallel, [], ssh: ssh);
    }

    private static async Task<EngineHarness> CreateAsync(TimeProvider time, IDeploymentTransport? transport, int maxParallel, ResourceHandler[] replacements, Func<IStateStore, IStateStore>? storeAround = null)
    {
        var (folder, store) = await OpenStoreAsync(time);
        return new EngineHarness(folder, store, time, transport, maxParallel, replacements, storeAround);
    }

    private static async Task<(TempDirectory Folder, SqliteStateStore Store)> OpenStoreAsync(TimeProvider time)
    {
        var folder = new TempDirectory("hearth-engine-test-");
        return (folder, await SqliteStateStore.OpenAsync(folder.Combine("state"), time, CancellationToken.None).WaitAsync(Timeout));
    }

    /// <summary>The state folder, for a second store (another process's view).</summary>
    public string StateFolder => _folder.Combine("state");

    /// <summary>Writes a file beside the templates (a nested template they name as a type).</summary>
    public void WriteFile(string name, string content) => File.WriteAllText(_folder.Combine(name), content);

    /// <summary>Writes the template to a new file and captures it with its parameters, as the CLI does.</summary>
    public DefinitionSource Source(string template, params string[] parameters)
    {
        var path = _folder.Combine($"template-{Interlocked.Increment(ref _templates)}.yaml");
        File.WriteAllText(path, template);
        return Definitions.Capture(new StackSources(path, [], [.. parameters], []), DiskFileReader.Instance);
    }

    public Task<OperationOutcome> CreateAsync(string name, string template, params string[] parameters) =>
        Engine.CreateAsync(name, Source(template, parameters), disableRollback: false, observer: null, CancellationToken.None).WaitAsync(Timeout);

    public Task<OperationOutcome> UpdateAsync(string name, string template, params string[] parameters) =>
        Engine.UpdateAsync(name, Source(template, parameters), [], disableRollback: null, observer: null, CancellationToken.None).WaitAsync(Timeout);

    /// <summary><c>hearth stack update NAME --existing --parameter …</c>: the stored template and files, some parameters overridden.</summary>
    public Task<OperationOutcome> UpdateExistingAsync(string name, params string[] parameters) =>
        UpdateExistingAsync(name, disableRollback: null, parameters);

    public Task<OperationOutcome> UpdateExistingAsync(string name, bool? disableRollback, params string[] parameters) =>
        Engine.UpdateAsync(name, source: null, [.. parameters], disableRollback, observer: null, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>Captures files already written with <see cref="WriteFile"/> (a template, environments), as the CLI does.</summary>
    public DefinitionSource SourceOf(string template, IReadOnlyList<string> environments, params string[] parameters) =>
        Definitions.Capture(
            new StackSources(_folder.Combine(template), [.. environments.Select(_folder.Combine)], [.. parameters], []),
            DiskFileReader.Instance);

    public Task<OperationOutcome> CreateAsync(string name, DefinitionSource source) =>
        Engine.CreateAsync(name, source, disableRollback: false, observer: null, CancellationToken.None).WaitAsync(Timeout);

    public Task<OperationOutcome> UpdateAsync(string name, DefinitionSource source) =>
        Engine.UpdateAsync(name, source, [], disableRollback: null, observer: null, CancellationToken.None).WaitAsync(Timeout);

    public Task<OperationOutcome> DeleteAsync(string name) =>
        Engine.DeleteAsync(name, observer: null, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>All the stack's events, oldest first.</summary>
    public async Task<IReadOnlyList<EventRecord>> EventsAsync(string name, long after = 0) =>
        await Engine.ListEventsAsync(name, after, 100_000, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>The last event sequence number so far, to look only at what an operation adds after it.</summary>
    public async Task<long> LastSequenceAsync(string name) => (await EventsAsync(name)).Select(e => e.Sequence).DefaultIfEmpty(0).Max();

    /// <summary>The resource events after <paramref name="after"/>, as "name ACTION_STATUS" lines, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ResourceEventsAsync(string name, long after = 0) =>
        (await EventsAsync(name, after))
            .Where(e => e.ResourceType != "OS::Heat::Stack")
            .Select(e => $"{e.ResourceName} {HeatStatus.Format(e.Action, e.Status)}")
            .ToList();

    public async Task<IReadOnlyList<ResourceRecord>> ResourcesAsync(string name) =>
        await Engine.ListResourcesAsync(name, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>Every row of the stack in the store, current or not.</summary>
    public async Task<IReadOnlyList<ResourceRecord>> AllRowsAsync(string name)
    {
        var stack = await Engine.GetStackAsync(name, CancellationToken.None).WaitAsync(Timeout);
        return await _store.ListResourcesAsync(stack.Id, CancellationToken.None).WaitAsync(Timeout);
    }

    /// <summary>The child stacks (nested templates, groups) of a stack, by its id; they outlive a deleted parent only if deleting leaks them.</summary>
    public async Task<IReadOnlyList<StackRecord>> ChildStacksAsync(string stackId) =>
        await _store.ListChildStacksAsync(stackId, CancellationToken.None).WaitAsync(Timeout);

    public async Task<ResourceRecord> ResourceAsync(string stack, string resource) =>
        (await ResourcesAsync(stack)).Single(r => r.Name == resource);

    public async Task<IReadOnlyDictionary<string, object?>> OutputsAsync(string name) =>
        (await Engine.GetOutputsAsync(name, CancellationToken.None).WaitAsync(Timeout))
            .ToDictionary(o => o.Key, o => o.Error is null ? o.Value : "error: " + o.Error, StringComparer.Ordinal);

    public Task<StackRecord> StackAsync(string name) => Engine.GetStackAsync(name, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>What a user can observe of a stack: per resource its name, type, physical id and attributes; and the outputs.</summary>
    public async Task<StackSnapshot> SnapshotAsync(string name)
    {
        var resources = (await ResourcesAsync(name))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => $"{r.Name} {r.Type} {r.PhysicalId} {r.AttributesJson}")
            .ToImmutableArray();
        var outputs = (await OutputsAsync(name))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => $"{o.Key}={Value.ToPythonJson(o.Value, sortKeys: true)}")
            .ToImmutableArray();
        return new StackSnapshot(resources, outputs);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>A stack as a user sees it, comparable as a whole (records compare their arrays by reference, so this compares the lines).</summary>
internal sealed record StackSnapshot(ImmutableArray<string> Resources, ImmutableArray<string> Outputs)
{
    public override string ToString() => string.Join("\n", Resources) + "\n--\n" + string.Join("\n", Outputs);
}

internal static class EventOrder
{
    /// <summary>The position of the first line equal to <paramref name="line"/>, failing the test when there is none.</summary>
    public static int IndexOf(this IReadOnlyList<string> lines, string line)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] == line)
            {
                return i;
            }
        }

        throw new ShouldAssertException($"no event '{line}' in:\n{string.Join("\n", lines)}");
    }
}
