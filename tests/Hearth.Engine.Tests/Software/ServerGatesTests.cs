using Hearth.Engine.Resources.Software;

namespace Hearth.Engine.Tests.Software;

/// <summary>
/// The per-server slots of deployments: name order where slots are scarce, no waiting where they are not. A gate
/// decides inside each call (under its lock), so an entry that must wait is still pending when the call returns:
/// the tests look at once, with no pause for it to "have a chance".
/// </summary>
public sealed class ServerGatesTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Default;

    [Fact]
    public async Task EnterAsync_OneSlotAndASmallerNameAnnounced_WaitsForItThenRunsAfterIt()
    {
        var gates = new ServerGates();
        using var a = gates.Announce("a");
        using var b = gates.Announce("b");

        var bEntered = gates.EnterAsync("server", 1, "b", CancellationToken.None);
        bEntered.IsCompleted.ShouldBeFalse("b must not take the only slot while a, which sorts first, is still on its way");

        var aSlot = await gates.EnterAsync("server", 1, "a", CancellationToken.None).WaitAsync(Timeout);
        bEntered.IsCompleted.ShouldBeFalse("a holds the only slot");

        aSlot.Dispose();
        (await bEntered.WaitAsync(Timeout)).Dispose();
    }

    [Fact]
    public async Task EnterAsync_SlotsForEveryAnnouncedDeployment_DoesNotWaitForSmallerNames()
    {
        var gates = new ServerGates();
        using var a = gates.Announce("a");
        using var b = gates.Announce("b");
        using var c = gates.Announce("c");

        // Three slots for three deployments: whatever the order they arrive in, each gets one, so none waits.
        using var cSlot = await gates.EnterAsync("server", 3, "c", CancellationToken.None).WaitAsync(Timeout);
        using var bSlot = await gates.EnterAsync("server", 3, "b", CancellationToken.None).WaitAsync(Timeout);
        using var aSlot = await gates.EnterAsync("server", 3, "a", CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task EnterAsync_TwoSlotsThreeAnnounced_TheLargestNameWaitsForASlotToFree()
    {
        var gates = new ServerGates();
        using var a = gates.Announce("a");
        using var b = gates.Announce("b");
        using var c = gates.Announce("c");

        // c arrives first: a and b, both smaller and still on their way, need the two slots.
        var cEntered = gates.EnterAsync("server", 2, "c", CancellationToken.None);
        var bSlot = await gates.EnterAsync("server", 2, "b", CancellationToken.None).WaitAsync(Timeout);
        cEntered.IsCompleted.ShouldBeFalse("the second slot is a's: it sorts before c");

        using var aSlot = await gates.EnterAsync("server", 2, "a", CancellationToken.None).WaitAsync(Timeout);
        cEntered.IsCompleted.ShouldBeFalse("both slots are taken");
        bSlot.Dispose();
        (await cEntered.WaitAsync(Timeout)).Dispose();
    }

    [Fact]
    public async Task EnterAsync_SmallerNameWithdrawn_NoLongerHoldsTheSlotBack()
    {
        var gates = new ServerGates();
        var a = gates.Announce("a");
        using var b = gates.Announce("b");

        var bEntered = gates.EnterAsync("server", 1, "b", CancellationToken.None);
        bEntered.IsCompleted.ShouldBeFalse();

        a.Dispose(); // a's step ended without running anything
        (await bEntered.WaitAsync(Timeout)).Dispose();
    }
}
