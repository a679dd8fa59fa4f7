namespace Hearth.State.Tests;

public sealed class HeatStatusTests
{
    [Theory]
    [InlineData(ResourceAction.Create, OperationStatus.Complete, "CREATE_COMPLETE")]
    [InlineData(ResourceAction.Update, OperationStatus.InProgress, "UPDATE_IN_PROGRESS")]
    [InlineData(ResourceAction.Rollback, OperationStatus.Failed, "ROLLBACK_FAILED")]
    [InlineData(ResourceAction.Init, OperationStatus.Complete, "INIT_COMPLETE")]
    public void Format_ActionAndStatus_RendersHeatString(ResourceAction action, OperationStatus status, string expected)
    {
        HeatStatus.Format(action, status).ShouldBe(expected);
    }

    [Fact]
    public void TryParse_EveryCombination_RoundTrips()
    {
        foreach (var action in Enum.GetValues<ResourceAction>())
        {
            foreach (var status in Enum.GetValues<OperationStatus>())
            {
                HeatStatus.TryParse(HeatStatus.Format(action, status), out var parsedAction, out var parsedStatus)
                    .ShouldBeTrue();
                (parsedAction, parsedStatus).ShouldBe((action, status));
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("CREATE")]
    [InlineData("create_complete")]
    [InlineData("CREATE_DONE")]
    [InlineData("_COMPLETE")]
    public void TryParse_NotAHeatStatus_ReturnsFalse(string text)
    {
        HeatStatus.TryParse(text, out _, out _).ShouldBeFalse();
    }
}
