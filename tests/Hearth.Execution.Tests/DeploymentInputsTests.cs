using Hearth.Templates.Values;

namespace Hearth.Execution.Tests;

public class DeploymentInputsTests
{
    [Fact]
    public void Build_DeclaredExtraAndDerived_InHeatOrder()
    {
        var declared = new[]
        {
            new DeploymentInputDeclaration("foo", DeploymentValueType.String, "default-foo"),
            new DeploymentInputDeclaration("count", DeploymentValueType.Number, 3L),
            new DeploymentInputDeclaration("given_null", DeploymentValueType.String, "ignored"),
        };
        var values = Value.NewMap();
        values["extra"] = "x";
        values["count"] = 5L;
        values["given_null"] = null;

        var inputs = DeploymentInputs.Build(declared, values, serverId: "srv-1", action: "CREATE", stackId: "web/1234", resourceName: "deploy");

        inputs.Select(i => (i.Name, i.Type, i.Value)).ShouldBe(
        [
            ("foo", DeploymentValueType.String, (object?)"default-foo"),
            ("count", DeploymentValueType.Number, 5L),
            ("given_null", DeploymentValueType.String, null),
            ("extra", DeploymentValueType.String, "x"),
            ("deploy_server_id", DeploymentValueType.String, "srv-1"),
            ("deploy_action", DeploymentValueType.String, "CREATE"),
            ("deploy_stack_id", DeploymentValueType.String, "web/1234"),
            ("deploy_resource_name", DeploymentValueType.String, "deploy"),
        ]);
    }

    [Fact]
    public void Build_NoInputValues_DefaultsAndNoSignalInputs()
    {
        var inputs = DeploymentInputs.Build([new DeploymentInputDeclaration("a")], null, "s", "UPDATE", "st/1", "r");

        inputs[0].ShouldBe(new DeploymentInput("a", DeploymentValueType.String, null));
        inputs.Select(i => i.Name).ShouldNotContain(n => n.StartsWith("deploy_signal", StringComparison.Ordinal));
        inputs.Length.ShouldBe(5);
    }
}
