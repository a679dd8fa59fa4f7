using System.Collections.Concurrent;
using System.Reflection;
using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

/// <summary>
/// A deleted stack is removed from the store only after every step of its delete is committed, nested stacks included: a
/// reader that finds it gone could have read each of its events (docs/state.md, "A stack is removed after its steps").
/// </summary>
public sealed class DeleteOrderTests
{
    [Fact]
    public async Task Delete_StackWithManyResourcesAndANestedStack_RemovesEachStackOnlyOnceEveryStepOfItIsCommitted()
    {
        StoreProbe? probe = null;
        await using var harness = await EngineHarness.CreateAsync(store => StoreProbe.Around(store, out probe));
        var created = await harness.CreateAsync("big", """
            heat_template_version: 2021-04-16
            resources:
              group:
                type: OS::Heat::ResourceGroup
                properties:
                  count: 300
                  resource_def: {type: OS::Heat::None}
            """ + string.Concat(Enumerable.Range(0, 700).Select(i => $"\n  r{i}: {{type: OS::Heat::None}}")));
        created.Succeeded.ShouldBeTrue(string.Join("; ", created.Failures));
        var nested = (await harness.ChildStacksAsync(created.Stack.Id)).ShouldHaveSingleItem();

        var outcome = await harness.DeleteAsync("big");

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var removals = probe.ShouldNotBeNull().Removals;
        removals.Select(r => r.StackId).ShouldBe([nested.Id, created.Stack.Id]);
        removals.ShouldAllBe(r => r.StepsBefore > 0 && r.StepsCommittedWhenRemoved == r.StepsBefore);
        removals.Single(r => r.StackId == nested.Id).StepsBefore.ShouldBeGreaterThanOrEqualTo(2 * 300);
        removals.Single(r => r.StackId == created.Stack.Id).StepsBefore.ShouldBeGreaterThanOrEqualTo(2 * (300 + 700 + 1));
        // The stacks read as gone; their events stay for a follower of every stack's events that was away meanwhile.
        (await harness.Store.GetStackAsync(created.Stack.Id, CancellationToken.None)).ShouldBeNull();
        (await harness.Store.GetStackAsync(nested.Id, CancellationToken.None)).ShouldBeNull();
        var events = await harness.Store.ListAllEventsAsync(0, 100_000, CancellationToken.None);
        events.Count(e => e.StackId == nested.Id).ShouldBeGreaterThanOrEqualTo(4 * 300);
        events[^1].ResourceName.ShouldBe("big");
        events[^1].Action.ShouldBe(ResourceAction.Delete);
        events[^1].Status.ShouldBe(OperationStatus.Complete);
    }

    /// <summary>Forwards every call to the store; records each step the engine hands it and, at each stack's removal, how many of that stack's steps were committed.</summary>
    public class StoreProbe : DispatchProxy
    {
        private readonly ConcurrentQueue<(string StackId, Task Step)> _steps = new();
        private IStateStore _inner = null!;

        public ConcurrentQueue<(string StackId, int StepsBefore, int StepsCommittedWhenRemoved)> Removals { get; } = new();

        public static IStateStore Around(IStateStore inner, out StoreProbe probe)
        {
            var store = Create<IStateStore, StoreProbe>();
            probe = (StoreProbe)(object)store;
            probe._inner = inner;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IStateStore.DeleteStackAsync) && args?[0] is string removed)
            {
                return RemoveAsync(removed, (CancellationToken)args[1]!);
            }

            var result = targetMethod.Invoke(_inner, args);
            var stackId = targetMethod.Name switch
            {
                nameof(IStateStore.QueueResourceAsync) or nameof(IStateStore.RecordResourceAsync) => ((ResourceRecord)args![0]!).StackId,
                nameof(IStateStore.QueueResourceDeletedAsync) => ((EventRecord?)args![1])?.StackId,
                _ => null,
            };
            if (stackId is not null && result is Task step)
            {
                _steps.Enqueue((stackId, step));
            }

            return result;
        }

        private async Task<bool> RemoveAsync(string stackId, CancellationToken cancellationToken)
        {
            var before = _steps.Where(s => s.StackId == stackId).Select(s => s.Step).ToArray();
            var removed = await _inner.DeleteStackAsync(stackId, cancellationToken);
            Removals.Enqueue((stackId, before.Length, before.Count(s => s.IsCompletedSuccessfully)));
            return removed;
        }
    }
}
