using Hearth.Engine.Operations;
using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

public sealed class CreateAndDeleteTests
{
    [Fact]
    public async Task CreateAsync_Chain_CreatesInDependencyOrderAndEvaluatesOutputs()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("chain", TestTemplates.Chain, "v=hello");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        outcome.RolledBack.ShouldBeFalse();
        var stack = await harness.StackAsync("chain");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("CREATE_COMPLETE");
        var resources = await harness.ResourcesAsync("chain");
        resources.Select(r => r.Name).Order(StringComparer.Ordinal).ShouldBe(["base", "dependent", "other"]);
        resources.ShouldAllBe(r => r.Action == ResourceAction.Create && r.Status == OperationStatus.Complete);
        var baseRow = resources.Single(r => r.Name == "base");
        baseRow.PhysicalId.ShouldStartWith("chain-base-");
        baseRow.AttributesJson.ShouldContain("\"hello\"");
        var outputs = await harness.OutputsAsync("chain");
        outputs["base_id"].ShouldBe(baseRow.PhysicalId);
        outputs["dependent_value"].ShouldBe("hello");
        outputs["other_value"].ShouldBe("first");
        (await harness.ResourceEventsAsync("chain")).ShouldBe(
        [
            "base CREATE_IN_PROGRESS", "base CREATE_COMPLETE",
            "dependent CREATE_IN_PROGRESS", "dependent CREATE_COMPLETE",
            "other CREATE_IN_PROGRESS", "other CREATE_COMPLETE",
        ]);
    }

    [Fact]
    public async Task CreateAsync_NameTaken_IsRefusedAsConflict()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("taken", TestTemplates.Chain)).Succeeded.ShouldBeTrue();

        var error = await Should.ThrowAsync<EngineException>(() => harness.CreateAsync("taken", TestTemplates.Chain));

        error.Kind.ShouldBe(EngineErrorKind.Conflict);
        error.Message.ShouldContain("exists already");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("9lives")]
    public async Task CreateAsync_NameBreaksHeatsRule_RefusedBeforeTheStackIsRecorded(string name)
    {
        await using var harness = await EngineHarness.CreateAsync();

        var error = await Should.ThrowAsync<EngineException>(() => harness.CreateAsync(name, TestTemplates.Chain));

        error.Kind.ShouldBe(EngineErrorKind.InvalidInput);
        error.Message.ShouldContain(StackNames.Rule);
        (await harness.Store.ListStacksAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateAsync_ResourceFails_RollsBackToNoResources()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("broken", TestTemplates.Chain, "fail=true");

        outcome.Succeeded.ShouldBeFalse();
        outcome.RolledBack.ShouldBeTrue();
        outcome.Failures.ShouldContain(f => f.ToString().StartsWith("other: Test Resource failed other", StringComparison.Ordinal));
        var stack = await harness.StackAsync("broken");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("ROLLBACK_COMPLETE");
        (await harness.AllRowsAsync("broken")).ShouldBeEmpty();
        var events = await harness.ResourceEventsAsync("broken");
        events.IndexOf("other CREATE_FAILED").ShouldBeLessThan(events.IndexOf("other DELETE_COMPLETE"));
        // Clean-up goes in reverse dependency order: the failed 'other' first, 'base' last.
        events.IndexOf("dependent DELETE_COMPLETE").ShouldBeLessThan(events.IndexOf("base DELETE_IN_PROGRESS"));
    }

    [Fact]
    public async Task CreateAsync_ResourceFailsWithRollbackDisabled_LeavesCreateFailed()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.Engine.CreateAsync("kept", harness.Source(TestTemplates.Chain, "fail=true"), disableRollback: true, null, CancellationToken.None)
            .WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeFalse();
        outcome.RolledBack.ShouldBeFalse();
        var stack = await harness.StackAsync("kept");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("CREATE_FAILED");
        stack.StatusReason.ShouldContain("Test Resource failed other");
        var states = (await harness.ResourcesAsync("kept")).Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)}").Order(StringComparer.Ordinal);
        states.ShouldBe(["base CREATE_COMPLETE", "dependent CREATE_COMPLETE", "other CREATE_FAILED"]);
    }

    [Fact]
    public async Task CreateAsync_IndependentWaitingResources_RunInParallel()
    {
        // On a fake clock both waits are pending at once before the clock moves: they overlap by construction, and
        // nothing here depends on how fast the machine is.
        var clock = new FakeTimeProvider();
        await using var harness = await EngineHarness.CreateAsync(clock);
        const string template = """
            heat_template_version: 2021-04-16
            resources:
              left:
                type: OS::Heat::TestResource
                properties: {value: l, wait_secs: 60}
              right:
                type: OS::Heat::TestResource
                properties: {value: r, wait_secs: 60}
              after:
                type: OS::Heat::TestResource
                properties:
                  value: {list_join: ['+', [{get_attr: [left, output]}, {get_attr: [right, output]}]]}
            outputs:
              joined: {value: {get_attr: [after, output]}}
            """;

        var create = harness.CreateAsync("parallel", template);
        await clock.WhenWaitingAsync(count: 2);
        create.IsCompleted.ShouldBeFalse();
        clock.Advance(TimeSpan.FromSeconds(60));
        (await create.WaitAsync(EngineHarness.Timeout)).Succeeded.ShouldBeTrue();

        var events = (await harness.EventsAsync("parallel")).Where(e => e.ResourceType != "OS::Heat::Stack").ToList();
        EventRecord At(string name, OperationStatus status) => events.Single(e => e.ResourceName == name && e.Status == status);
        // Both started before either finished, and the dependent waited for both.
        var lastStart = Math.Max(At("left", OperationStatus.InProgress).Sequence, At("right", OperationStatus.InProgress).Sequence);
        var firstEnd = Math.Min(At("left", OperationStatus.Complete).Sequence, At("right", OperationStatus.Complete).Sequence);
        lastStart.ShouldBeLessThan(firstEnd);
        At("after", OperationStatus.InProgress).Sequence.ShouldBeGreaterThan(Math.Max(At("left", OperationStatus.Complete).Sequence, At("right", OperationStatus.Complete).Sequence));
        (await harness.OutputsAsync("parallel"))["joined"].ShouldBe("l+r");
    }

    [Fact]
    public async Task DeleteAsync_Chain_DeletesInReverseDependencyOrderAndRemovesTheStack()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("doomed", TestTemplates.Chain)).Succeeded.ShouldBeTrue();
        var ids = (await harness.ResourcesAsync("doomed")).ToDictionary(r => r.Name, r => r.PhysicalId);
        var after = await harness.LastSequenceAsync("doomed");
        var deleted = new List<EventRecord>();
        var observer = new RecordingObserver(deleted);

        var outcome = await harness.Engine.DeleteAsync("doomed", observer, CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue();
        (await harness.Engine.ListStacksAsync(CancellationToken.None)).ShouldBeEmpty();
        await Should.ThrowAsync<EngineException>(() => harness.StackAsync("doomed"));
        var completions = deleted.Where(e => e.ResourceType != "OS::Heat::Stack" && e.Action == ResourceAction.Delete && e.Status == OperationStatus.Complete).ToList();
        completions.Select(e => e.ResourceName).ShouldBe(["other", "dependent", "base"]);
        completions.Select(e => e.PhysicalResourceId).ShouldBe([ids["other"], ids["dependent"], ids["base"]]);
        deleted.ShouldAllBe(e => e.Sequence > after);
    }

    [Fact]
    public async Task DeleteAsync_RetainPolicy_SkipsTheHandlerAndDeletesTheRest()
    {
        await using var harness = await EngineHarness.CreateAsync();
        // A delete of 'kept' would wait forever (action_wait_secs delete: -1): only skipping the handler lets the delete end.
        const string template = """
            heat_template_version: 2021-04-16
            resources:
              kept:
                type: OS::Heat::TestResource
                deletion_policy: Retain
                properties:
                  value: k
                  action_wait_secs: {delete: -1}
              gone:
                type: OS::Heat::TestResource
                properties: {value: {get_resource: kept}}
            """;
        (await harness.CreateAsync("retain", template)).Succeeded.ShouldBeTrue();
        var after = await harness.LastSequenceAsync("retain");
        var events = new List<EventRecord>();

        var outcome = await harness.Engine.DeleteAsync("retain", new RecordingObserver(events), CancellationToken.None).WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var kept = events.Single(e => e.ResourceName == "kept" && e.Action == ResourceAction.Delete && e.Status == OperationStatus.Complete);
        kept.StatusReason.ShouldBe("retained (deletion_policy: Retain)");
        events.Single(e => e.ResourceName == "gone" && e.Action == ResourceAction.Delete && e.Status == OperationStatus.Complete).StatusReason.ShouldBe("state changed");
        events.ShouldAllBe(e => e.Sequence > after);
    }

    [Fact]
    public async Task DeleteAsync_UnknownStack_IsNotFound()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var error = await Should.ThrowAsync<EngineException>(() => harness.DeleteAsync("nowhere"));

        error.Kind.ShouldBe(EngineErrorKind.NotFound);
    }
}

/// <summary>Keeps the events an operation reports (the stack's own events are gone from the store once it is deleted).</summary>
internal sealed class RecordingObserver(List<EventRecord> events) : IEngineObserver
{
    private readonly Lock _gate = new();

    public void OnEvent(EventRecord stackEvent)
    {
        lock (_gate)
        {
            events.Add(stackEvent);
        }
    }
}
