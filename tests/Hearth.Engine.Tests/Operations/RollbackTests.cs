using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

public sealed class RollbackTests
{
    [Fact]
    public async Task UpdateAsync_LaterResourceFails_RollsBackToTheIdenticalState()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("safe", TestTemplates.Chain, "v=blue", "note=first")).Succeeded.ShouldBeTrue();
        var before = await harness.SnapshotAsync("safe");
        var originalBase = await harness.ResourceAsync("safe", "base");
        var after = await harness.LastSequenceAsync("safe");

        // base is replaced and dependent repointed before 'other' fails: rollback must undo both.
        var outcome = await harness.UpdateAsync("safe", TestTemplates.Chain, "v=green", "note=second", "fail=true");

        outcome.Succeeded.ShouldBeFalse();
        outcome.RolledBack.ShouldBeTrue();
        outcome.Failures.Select(f => f.ToString()).ShouldContain("other: Test Resource failed other");
        var stack = await harness.StackAsync("safe");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("ROLLBACK_COMPLETE");
        stack.Previous.ShouldBeNull();
        (await harness.SnapshotAsync("safe")).ToString().ShouldBe(before.ToString());
        (await harness.ResourceAsync("safe", "base")).PhysicalId.ShouldBe(originalBase.PhysicalId);
        var rows = await harness.AllRowsAsync("safe");
        rows.Count.ShouldBe(3);
        rows.ShouldAllBe(r => r.IsCurrent && r.Status == OperationStatus.Complete);
        (await harness.Engine.GetTemplateSummaryAsync("safe", CancellationToken.None).WaitAsync(EngineHarness.Timeout)).Parameters["v"].ShouldBe("blue");

        var events = await harness.ResourceEventsAsync("safe", after);
        events.IndexOf("other UPDATE_FAILED").ShouldBeLessThan(events.IndexOf("base ROLLBACK_COMPLETE"));
        // The replacement is deleted only after the dependent points at the original again.
        events.IndexOf("dependent ROLLBACK_COMPLETE").ShouldBeLessThan(events.IndexOf("base DELETE_COMPLETE"));
        var deleted = (await harness.EventsAsync("safe", after)).Single(e => e.ResourceName == "base" && e.Action == ResourceAction.Delete && e.Status == OperationStatus.Complete);
        deleted.PhysicalResourceId.ShouldNotBe(originalBase.PhysicalId);
    }

    [Fact]
    public async Task UpdateAsync_FailureWithRollbackDisabled_LeavesUpdateFailed()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("raw", TestTemplates.Chain, "v=blue")).Succeeded.ShouldBeTrue();
        var originalBase = await harness.ResourceAsync("raw", "base");

        var outcome = await harness.Engine.UpdateAsync("raw", harness.Source(TestTemplates.Chain, "v=green", "fail=true"), [], disableRollback: true, null, CancellationToken.None)
            .WaitAsync(EngineHarness.Timeout);

        outcome.Succeeded.ShouldBeFalse();
        outcome.RolledBack.ShouldBeFalse();
        var stack = await harness.StackAsync("raw");
        HeatStatus.Format(stack.Action, stack.Status).ShouldBe("UPDATE_FAILED");
        stack.DisableRollback.ShouldBeTrue();
        var states = (await harness.ResourcesAsync("raw")).Select(r => $"{r.Name} {HeatStatus.Format(r.Action, r.Status)}").Order(StringComparer.Ordinal);
        states.ShouldBe(["base CREATE_COMPLETE", "dependent UPDATE_COMPLETE", "other UPDATE_FAILED"]);
        // Nothing was cleaned up: the replaced base is still there, beside its replacement.
        (await harness.AllRowsAsync("raw")).Where(r => r.Name == "base").Select(r => r.PhysicalId).ShouldContain(originalBase.PhysicalId);
        (await harness.ResourceAsync("raw", "base")).PhysicalId.ShouldNotBe(originalBase.PhysicalId);
    }

    [Fact]
    public async Task UpdateAsync_AfterAFailedUpdate_UpdatesTheFailedResourceInPlaceAndCleansUp()
    {
        await using var harness = await EngineHarness.CreateAsync();
        (await harness.CreateAsync("retry", TestTemplates.Chain, "v=blue")).Succeeded.ShouldBeTrue();
        var other = await harness.ResourceAsync("retry", "other");
        var failed = await harness.Engine.UpdateAsync("retry", harness.Source(TestTemplates.Chain, "v=green", "fail=true"), [], disableRollback: true, null, CancellationToken.None)
            .WaitAsync(EngineHarness.Timeout);
        failed.Succeeded.ShouldBeFalse();

        var outcome = await harness.UpdateAsync("retry", TestTemplates.Chain, "v=green", "fail=false");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var retried = await harness.ResourceAsync("retry", "other");
        retried.PhysicalId.ShouldBe(other.PhysicalId);
        HeatStatus.Format(retried.Action, retried.Status).ShouldBe("UPDATE_COMPLETE");
        var rows = await harness.AllRowsAsync("retry");
        rows.Count.ShouldBe(3);
        rows.ShouldAllBe(r => r.IsCurrent && r.Status == OperationStatus.Complete);
    }

    [Fact]
    public async Task UpdateAsync_FailsBeforeReachingAResourceThatReplacesOnChangeOfAnother_RollbackLeavesItAlone()
    {
        // base is updated in place, broken fails beside it, so watcher (after both) is never reached. Rolling base back
        // changes it again, which must not replace watcher: the rollback restores the state before, where watcher is
        // the instance it always was.
        await using var harness = await EngineHarness.CreateAsync();
        const string template = """
            heat_template_version: 2021-04-16
            parameters:
              v: {type: string}
              fail: {type: boolean, default: false}
            resources:
              base:
                type: OS::Heat::TestResource
                properties: {value: {get_param: v}}
              broken:
                type: OS::Heat::TestResource
                properties: {value: {get_param: v}, fail: {get_param: fail}}
              watcher:
                type: OS::Heat::TestResource
                depends_on: [base, broken]
                update_policy: {replace_on_change_of: [base]}
                properties: {value: fixed}
            """;
        (await harness.CreateAsync("roc", template, "v=1")).Succeeded.ShouldBeTrue();
        var before = await harness.SnapshotAsync("roc");
        var watcher = await harness.ResourceAsync("roc", "watcher");
        var after = await harness.LastSequenceAsync("roc");

        var outcome = await harness.UpdateAsync("roc", template, "v=2", "fail=true");

        outcome.RolledBack.ShouldBeTrue();
        var events = await harness.ResourceEventsAsync("roc", after);
        events.ShouldContain("base ROLLBACK_COMPLETE");
        events.ShouldNotContain(e => e.StartsWith("watcher ", StringComparison.Ordinal), string.Join(", ", events));
        (await harness.ResourceAsync("roc", "watcher")).PhysicalId.ShouldBe(watcher.PhysicalId);
        (await harness.SnapshotAsync("roc")).ToString().ShouldBe(before.ToString());
        HeatStatus.Format((await harness.StackAsync("roc")).Action, (await harness.StackAsync("roc")).Status).ShouldBe("ROLLBACK_COMPLETE");
    }
}
