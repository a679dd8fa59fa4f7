using Hearth.Execution.Scripts;
using Hearth.Templates.Values;

namespace Hearth.Execution.Tests.Scripts;

public class ScriptEnvironmentTests
{
    public static TheoryData<DeploymentValueType, object?, string> Values()
    {
        var map = Value.NewMap();
        map["z"] = 1L;
        map["a"] = new List<object?> { "x", true, null };
        return new()
        {
            { DeploymentValueType.String, "plain", "plain" },
            { DeploymentValueType.String, true, "True" },
            { DeploymentValueType.String, null, "None" },
            { DeploymentValueType.String, 42L, "42" },
            { DeploymentValueType.String, new List<object?> { "a", 1L }, "['a', 1]" },
            { DeploymentValueType.Number, 42L, "42" },
            { DeploymentValueType.Number, 1.5, "1.5" },
            { DeploymentValueType.Number, 2.0, "2.0" },
            { DeploymentValueType.Number, "7", "7" },
            { DeploymentValueType.Boolean, false, "False" },
            { DeploymentValueType.Json, null, "None" },
            { DeploymentValueType.Json, map, """{"z": 1, "a": ["x", true, null]}""" },
            { DeploymentValueType.CommaDelimitedList, new List<object?> { "a", "b" }, """["a", "b"]""" },
            { DeploymentValueType.Json, "é", "é" },
            { DeploymentValueType.Json, new List<object?> { "é" }, """["\u00e9"]""" },
        };
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void ToVariableValue_AsHeatConfigAndHookScript_Text(DeploymentValueType type, object? value, string expected)
    {
        ScriptEnvironment.ToVariableValue(new DeploymentInput("x", type, value)).ShouldBe(expected);
    }

    [Fact]
    public void Build_OutputsPathLast_OverridesAnInputOfTheSameName()
    {
        var (variables, error) = ScriptEnvironment.Build(
            [new("a", DeploymentValueType.String, "1"), new("heat_outputs_path", DeploymentValueType.String, "mine")],
            "/state/outputs/CREATE");

        error.ShouldBeNull();
        variables[^1].ShouldBe(new KeyValuePair<string, string>("heat_outputs_path", "/state/outputs/CREATE"));
        variables[0].ShouldBe(new KeyValuePair<string, string>("a", "1"));
    }

    [Theory]
    [InlineData("a=b", "x")]
    [InlineData("", "x")]
    [InlineData("ok", "nul\0inside")]
    public void Build_NameOrValueAnEnvironmentCannotHold_Error(string name, string value)
    {
        var (_, error) = ScriptEnvironment.Build([new(name, DeploymentValueType.String, value)], "/o");

        error.ShouldNotBeNull();
    }
}
