namespace Hearth.State.Tests;

public sealed class ProcessLivenessTests
{
    private static readonly FakeTimeProvider Clock = new();

    [Fact]
    public void CreateLocalOwner_ThisProcess_RecordsPidHostAndStartTime()
    {
        var owner = ProcessLiveness.CreateLocalOwner("update", Clock);

        owner.ProcessId.ShouldBe(Environment.ProcessId);
        owner.Host.ShouldBe(Environment.MachineName);
        owner.Operation.ShouldBe("update");
        owner.AcquiredAt.ShouldBe(Clock.GetUtcNow());
        Guid.TryParse(owner.OwnerId, out _).ShouldBeTrue();
        if (OperatingSystem.IsLinux())
        {
            owner.ProcessStartTicks.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void IsAlive_ThisProcess_ReturnsTrue()
    {
        ProcessLiveness.IsAlive(ProcessLiveness.CreateLocalOwner("update", Clock)).ShouldBeTrue();
    }

    [Fact]
    public void IsAlive_PidThatDoesNotExist_ReturnsFalse()
    {
        var owner = ProcessLiveness.CreateLocalOwner("update", Clock) with { ProcessId = 99_999_999 };

        ProcessLiveness.IsAlive(owner).ShouldBeFalse();
    }

    [Fact]
    public void IsAlive_PidReusedByProcessStartedAtAnotherTime_ReturnsFalse()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var owner = ProcessLiveness.CreateLocalOwner("update", Clock);

        ProcessLiveness.IsAlive(owner with { ProcessStartTicks = owner.ProcessStartTicks + 1 }).ShouldBeFalse();
    }

    [Fact]
    public void IsAlive_HolderOnAnotherHost_IsAssumedAlive()
    {
        var owner = ProcessLiveness.CreateLocalOwner("update", Clock) with
        {
            Host = "some-other-host",
            ProcessId = 99_999_999,
        };

        ProcessLiveness.IsAlive(owner).ShouldBeTrue();
    }

    [Fact]
    public void ParseStartTicks_CommandNameWithSpacesAndParentheses_ReadsField22()
    {
        // Fields 3..21 are filler; field 22 (starttime) is 777.
        var stat = "123 (evil) name ()) S " + string.Join(' ', Enumerable.Range(4, 18)) + " 777 23 24";

        ProcessLiveness.ParseStartTicks(stat).ShouldBe(777);
    }

    [Fact]
    public void ParseStartTicks_Truncated_ReturnsNull()
    {
        ProcessLiveness.ParseStartTicks("123 (x) S 1 2 3").ShouldBeNull();
    }
}
