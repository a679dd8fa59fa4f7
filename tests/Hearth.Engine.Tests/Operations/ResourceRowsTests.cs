using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

/// <summary>An operation's rows have one owner; the current instance of each name is derived from them, never kept beside.</summary>
public sealed class ResourceRowsTests
{
    private static ResourceRecord Row(long id, string name, string physicalId, bool isCurrent) => new(
        id, "stack", name, "OS::Heat::None", ResourceAction.Create, OperationStatus.Complete, "", physicalId,
        "{}", "{}", "{}", "[]", "{}", null, null, isCurrent, null, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void Put_ReplacementNotYetCurrent_OldInstanceStaysCurrentUntilTheSwitch()
    {
        var rows = new ResourceRows(BuiltinHandlers.Create(TimeProvider.System));
        rows.Load([Row(1, "a", "a-1", isCurrent: true)]);

        rows.Put(Row(2, "a", "a-2", isCurrent: false));

        rows.CurrentOf("a").ShouldNotBeNull().Id.ShouldBe(1);
        rows.Current.FindByPhysicalId("a-2").ShouldBeNull();
        rows.All.Select(r => r.Id).Order().ShouldBe([1L, 2L]);

        rows.Put(Row(1, "a", "a-1", isCurrent: false) with { ReplacedById = 2 });
        rows.Put(Row(2, "a", "a-2", isCurrent: true));

        rows.CurrentOf("a").ShouldNotBeNull().Id.ShouldBe(2);
        rows.Current.FindByPhysicalId("a-1").ShouldBeNull();
        rows.Unwanted(new HashSet<string>(["a"], StringComparer.Ordinal)).Keys.ShouldBe([1L]);
    }

    [Fact]
    public void Remove_CurrentRow_GoneFromEveryView()
    {
        var rows = new ResourceRows(BuiltinHandlers.Create(TimeProvider.System));
        rows.Load([Row(1, "a", "a-1", isCurrent: true), Row(2, "b", "b-1", isCurrent: true)]);

        rows.Remove(rows[1]);

        rows.CurrentOf("a").ShouldBeNull();
        rows.Current.FindByPhysicalId("a-1").ShouldBeNull();
        rows.All.Select(r => r.Name).ShouldBe(["b"]);
    }

    [Fact]
    public void Remove_OldInstanceOfAReplacedName_LeavesTheCurrentOne()
    {
        var rows = new ResourceRows(BuiltinHandlers.Create(TimeProvider.System));
        rows.Load([Row(1, "a", "a-1", isCurrent: false), Row(2, "a", "a-2", isCurrent: true)]);

        rows.Remove(rows[1]);

        rows.CurrentOf("a").ShouldNotBeNull().Id.ShouldBe(2);
    }
}
