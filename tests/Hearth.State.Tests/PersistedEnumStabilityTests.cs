namespace Hearth.State.Tests;

/// <summary>
/// These enums are stored as integers. Changing a value corrupts every existing state database, so each
/// member's value is frozen here. Adding a member means adding it here too, with a new value.
/// </summary>
public sealed class PersistedEnumStabilityTests
{
    [Fact]
    public void ResourceAction_Values_AreFrozen() =>
        AssertFrozen<ResourceAction>(new()
        {
            ["Init"] = 0,
            ["Create"] = 1,
            ["Delete"] = 2,
            ["Update"] = 3,
            ["Rollback"] = 4,
            ["Suspend"] = 5,
            ["Resume"] = 6,
            ["Adopt"] = 7,
            ["Check"] = 8,
            ["Snapshot"] = 9,
            ["Restore"] = 10,
        });

    [Fact]
    public void OperationStatus_Values_AreFrozen() =>
        AssertFrozen<OperationStatus>(new()
        {
            ["InProgress"] = 0,
            ["Complete"] = 1,
            ["Failed"] = 2,
        });

    [Fact]
    public void OperationState_Values_AreFrozen() =>
        AssertFrozen<OperationState>(new()
        {
            ["Running"] = 0,
            ["Completed"] = 1,
            ["Failed"] = 2,
            ["Interrupted"] = 3,
        });

    [Fact]
    public void EventKind_Values_AreFrozen() =>
        AssertFrozen<EventKind>(new()
        {
            ["Status"] = 0,
            ["HookPaused"] = 1,
            ["HookCleared"] = 2,
            ["HookAbandoned"] = 3,
            ["Signal"] = 4,
            ["Failed"] = 5,
        });

    private static void AssertFrozen<TEnum>(Dictionary<string, int> expected)
        where TEnum : struct, Enum
    {
        var actual = Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), v => Convert.ToInt32(v));
        actual.ShouldBe(expected, ignoreOrder: true, $"{typeof(TEnum).Name} is persisted: never renumber a member");
    }
}
