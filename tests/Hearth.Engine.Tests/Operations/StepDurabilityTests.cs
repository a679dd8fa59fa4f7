using Hearth.Engine.Resources;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// Steps of store-only resources (Value, None, configs) are not waited for; what acts outside the store still finds
/// every step before it committed, and the operation ends with everything committed and observed in order.
/// </summary>
public sealed class StepDurabilityTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        resources:
          a: {type: OS::Heat::Value, properties: {value: one}}
          b: {type: OS::Heat::Value, properties: {value: {get_attr: [a, value]}}}
          probe: {type: OS::Heat::TestResource, properties: {value: {get_attr: [b, value]}}}
          after: {type: OS::Heat::Value, properties: {value: {get_attr: [probe, output]}}}
        """;

    [Fact]
    public async Task CreateAsync_StepActingOutside_FindsEveryStepBeforeItCommitted()
    {
        var probe = new OutsideProbe();
        await using var harness = await EngineHarness.CreateAsync(replacements: probe);
        probe.StateFolder = harness.StateFolder;

        var outcome = await harness.CreateAsync("s", Template);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        probe.Seen.ShouldBe(["a CREATE_COMPLETE", "b CREATE_COMPLETE", "probe CREATE_IN_PROGRESS"]);

        // Another process's view once the operation returned: every step committed, the last store-only one too.
        await using var other = await SqliteStateStore.OpenAsync(harness.StateFolder, TimeProvider.System, CancellationToken.None);
        var stack = await other.GetStackByNameAsync("s", CancellationToken.None) ?? throw new InvalidOperationException("no stack");
        (await other.ListResourcesAsync(stack.Id, CancellationToken.None))
            .Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)}")
            .Order(StringComparer.Ordinal)
            .ShouldBe(["a CREATE_COMPLETE", "after CREATE_COMPLETE", "b CREATE_COMPLETE", "probe CREATE_COMPLETE"]);
    }

    [Fact]
    public async Task CreateAndDelete_Observer_GetsEveryStoredEventInOrderWithItsSequence()
    {
        await using var harness = await EngineHarness.CreateAsync();
        var observed = new List<EventRecord>();
        var observer = new RecordingObserver(observed);

        var created = await harness.Engine.CreateAsync("s", harness.Source(Template), disableRollback: false, observer, CancellationToken.None).WaitAsync(EngineHarness.Timeout);
        var stored = await harness.EventsAsync("s");

        created.Succeeded.ShouldBeTrue(string.Join("; ", created.Failures));
        observed.Select(e => (e.Sequence, e.ResourceName, e.Status)).ShouldBe(stored.Select(e => (e.Sequence, e.ResourceName, e.Status)));
        observed.ShouldAllBe(e => e.Sequence > 0);

        observed.Clear();
        var deleted = await harness.Engine.DeleteAsync("s", observer, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        deleted.Succeeded.ShouldBeTrue(string.Join("; ", deleted.Failures));
        observed.Select(e => e.Sequence).ShouldBeInOrder();
        observed.Where(e => e.ResourceType != "OS::Heat::Stack").Select(e => $"{e.ResourceName} {HeatStatus.Format(e.Action, e.Status)}").ShouldBe(
        [
            "after DELETE_IN_PROGRESS", "after DELETE_COMPLETE",
            "probe DELETE_IN_PROGRESS", "probe DELETE_COMPLETE",
            "b DELETE_IN_PROGRESS", "b DELETE_COMPLETE",
            "a DELETE_IN_PROGRESS", "a DELETE_COMPLETE",
        ]);
    }

    /// <summary>A TestResource that acts "outside": on create it reads the state as another process would.</summary>
    private sealed class OutsideProbe : ResourceHandler
    {
        public string StateFolder { get; set; } = "";

        public List<string> Seen { get; } = [];

        public override ResourceTypeSchema Schema => UtilitySchemas.TestResource;

        public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
        {
            await using var other = await SqliteStateStore.OpenAsync(StateFolder, TimeProvider.System, cancellationToken);
            var rows = await other.ListResourcesAsync(request.Stack.Id, cancellationToken);
            Seen.AddRange(rows.Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)}").Order(StringComparer.Ordinal));
            return ResourceResult.Of(request.PhysicalName, [new("output", request.Properties.GetValueOrDefault("value"))]);
        }
    }
}
