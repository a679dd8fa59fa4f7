using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.State.Sqlite;
using Hearth.Templates.Files;
using Hearth.Templates.Stacks;

namespace Hearth.Engine.Tests.Operations;

/// <summary>Template resources (nested stacks) through the real engine and a real SQLite store.</summary>
public sealed class NestedStackOperationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TestTimeouts.Default;

    private readonly TempDirectory _temp = new("hearth-nested-");
    private SqliteStateStore? _store;

    private StackEngine Engine => new(_store!, BuiltinHandlers.Create(TimeProvider.System), TimeProvider.System, new EngineOptions());

    public async Task InitializeAsync()
    {
        _store = await SqliteStateStore.OpenAsync(_temp.Combine("state"), TimeProvider.System, CancellationToken.None);
        Write("leaf.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              text: {type: string}
            resources:
              t:
                type: OS::Heat::TestResource
                properties: {value: {get_param: text}}
            outputs:
              echoed: {value: {get_attr: [t, output]}}
            """);
        Write("inner.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              greeting: {type: string}
            resources:
              leaf:
                type: leaf.yaml
                properties: {text: {str_replace: {template: "G!", params: {G: {get_param: greeting}}}}}
            outputs:
              text: {value: {get_attr: [leaf, echoed]}}
            """);
        Write("env.yaml", """
            resource_registry:
              My::Inner: inner.yaml
            """);
        Write("top.yaml", """
            heat_template_version: 2021-04-16
            parameters:
              g: {type: string, default: hello}
              fail: {type: boolean, default: false}
            resources:
              inner:
                type: My::Inner
                properties: {greeting: {get_param: g}}
              after:
                type: OS::Heat::TestResource
                properties: {value: {get_attr: [inner, text]}, fail: {get_param: fail}}
            outputs:
              out: {value: {get_attr: [inner, text]}}
              after: {value: {get_attr: [after, output]}}
            """);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Create_TwoLevelsOfNesting_OutputsFlowFromTheInnermostResource()
    {
        var outcome = await Engine.CreateAsync("n", Source(), disableRollback: false, null, CancellationToken.None).WaitAsync(Timeout);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        var outputs = await Engine.GetOutputsAsync("n", CancellationToken.None);
        outputs.Single(o => o.Key == "out").Value.ShouldBe("hello!");
        var all = await Engine.ListResourcesAsync("n", nestedDepth: 5, CancellationToken.None);
        all.Select(r => r.Resource.Name).ShouldBe(["inner", "leaf", "t", "after"], ignoreOrder: true);
        all.ShouldAllBe(r => r.Resource.Status == OperationStatus.Complete);
        var inner = all.Single(r => r.Resource.Name == "inner").Resource;
        (await _store!.GetStackAsync(inner.PhysicalId!, CancellationToken.None)).ShouldNotBeNull().ParentStackId.ShouldBe(outcome.Stack.Id);
    }

    [Fact]
    public async Task Update_PropertyOfNestedResource_UpdatesTheChildInPlace()
    {
        await Engine.CreateAsync("n", Source(), false, null, CancellationToken.None).WaitAsync(Timeout);
        var before = await Engine.ListResourcesAsync("n", 5, CancellationToken.None);

        var outcome = await Engine.UpdateAsync("n", Source("g=bye"), [], null, null, CancellationToken.None).WaitAsync(Timeout);

        outcome.Succeeded.ShouldBeTrue(string.Join("; ", outcome.Failures));
        (await Engine.GetOutputsAsync("n", CancellationToken.None)).Single(o => o.Key == "out").Value.ShouldBe("bye!");
        var after = await Engine.ListResourcesAsync("n", 5, CancellationToken.None);
        // Same child stacks and same innermost resource: updated in place, not replaced.
        after.Select(r => (r.Resource.Name, r.Resource.PhysicalId)).ShouldBe(before.Select(r => (r.Resource.Name, r.Resource.PhysicalId)), ignoreOrder: true);
        after.Single(r => r.Resource.Name == "t").Resource.Action.ShouldBe(ResourceAction.Update);
    }

    [Fact]
    public async Task Update_FailingAfterTheNestedUpdate_RollsTheChildBack()
    {
        await Engine.CreateAsync("n", Source(), false, null, CancellationToken.None).WaitAsync(Timeout);
        var outputsBefore = await Engine.GetOutputsAsync("n", CancellationToken.None);

        var outcome = await Engine.UpdateAsync("n", Source("g=bye", "fail=true"), [], null, null, CancellationToken.None).WaitAsync(Timeout);

        outcome.Succeeded.ShouldBeFalse();
        outcome.Stack.Action.ShouldBe(ResourceAction.Rollback);
        outcome.Stack.Status.ShouldBe(OperationStatus.Complete);
        var outputsAfter = await Engine.GetOutputsAsync("n", CancellationToken.None);
        outputsAfter.Select(o => (o.Key, o.Value)).ShouldBe(outputsBefore.Select(o => (o.Key, o.Value)));
        var leaf = (await Engine.ListResourcesAsync("n", 5, CancellationToken.None)).Single(r => r.Resource.Name == "t").Resource;
        leaf.AttributesJson.ShouldContain("hello!");
    }

    [Fact]
    public async Task Delete_NestedStacks_RemovesChildStacksToo()
    {
        var created = await Engine.CreateAsync("n", Source(), false, null, CancellationToken.None).WaitAsync(Timeout);

        var outcome = await Engine.DeleteAsync("n", null, CancellationToken.None).WaitAsync(Timeout);

        outcome.Succeeded.ShouldBeTrue();
        (await _store!.ListChildStacksAsync(created.Stack.Id, CancellationToken.None)).ShouldBeEmpty();
        (await _store.ListStacksAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    private DefinitionSource Source(params string[] parameters) =>
        Definitions.Capture(
            new StackSources(_temp.Combine("top.yaml"), [_temp.Combine("env.yaml")], [.. parameters], []),
            DiskFileReader.Instance);

    private void Write(string name, string content) => File.WriteAllText(_temp.Combine(name), content);
}
