namespace Hearth.Execution.Tests;

/// <summary>These enums are stored by the engine: a changed number would misread every stored row.</summary>
public class PersistedEnumStabilityTests
{
    [Fact]
    public void DeploymentStatus_Values_NeverChange()
    {
        Enum.GetValues<DeploymentStatus>().ToDictionary(v => v.ToString(), v => (int)v).ShouldBe(new Dictionary<string, int>
        {
            ["Complete"] = 0,
            ["Failed"] = 1,
            ["TimedOut"] = 2,
            ["Skipped"] = 3,
            ["Cancelled"] = 4,
        });
    }

    [Fact]
    public void DeploymentValueType_Values_NeverChange()
    {
        Enum.GetValues<DeploymentValueType>().ToDictionary(v => v.ToString(), v => (int)v).ShouldBe(new Dictionary<string, int>
        {
            ["String"] = 0,
            ["Number"] = 1,
            ["CommaDelimitedList"] = 2,
            ["Json"] = 3,
            ["Boolean"] = 4,
        });
    }

    [Theory]
    [InlineData("String", DeploymentValueType.String)]
    [InlineData("", DeploymentValueType.String)]
    [InlineData("Number", DeploymentValueType.Number)]
    [InlineData("CommaDelimitedList", DeploymentValueType.CommaDelimitedList)]
    [InlineData("Json", DeploymentValueType.Json)]
    [InlineData("Boolean", DeploymentValueType.Boolean)]
    public void DeploymentValueTypes_TryParse_HeatNamesRoundTrip(string name, DeploymentValueType expected)
    {
        DeploymentValueTypes.TryParse(name, out var type).ShouldBeTrue();
        type.ShouldBe(expected);
        if (name.Length > 0)
        {
            type.ToHeatName().ShouldBe(name);
        }
    }

    [Fact]
    public void DeploymentValueTypes_TryParse_UnknownName_False()
    {
        DeploymentValueTypes.TryParse("Map", out _).ShouldBeFalse();
    }
}
