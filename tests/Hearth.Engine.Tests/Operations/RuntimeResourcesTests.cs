using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;

namespace Hearth.Engine.Tests.Operations;

/// <summary>What an operation keeps in memory of its resources, found by physical id (deployments read their config and server there).</summary>
public sealed class RuntimeResourcesTests
{
    private static ResourceRecord Row(string name, string? physicalId, string propertiesJson = "{}") => new(
        1, "stack", name, "OS::Heat::DeployedServer", ResourceAction.Create, OperationStatus.Complete, "", physicalId,
        propertiesJson, "{}", "{}", "[]", "{}", null, null, true, null, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void FindByPhysicalId_CurrentInstance_ReturnsItsDecodedState()
    {
        var resources = new RuntimeResources(BuiltinHandlers.Create(TimeProvider.System));
        resources.Set(Row("server", "s-1", """{"software_config_transport": "LOCAL"}"""));

        var state = resources.FindByPhysicalId("s-1").ShouldNotBeNull();

        state.Name.ShouldBe("server");
        state.Properties["software_config_transport"].ShouldBe("LOCAL");
        resources.FindByPhysicalId("s-2").ShouldBeNull();
    }

    [Fact]
    public void FindByPhysicalId_ReplacedOrRemoved_FindsOnlyWhatIsCurrentNow()
    {
        var resources = new RuntimeResources(BuiltinHandlers.Create(TimeProvider.System));
        resources.Set(Row("config", "c-1"));
        resources.Set(Row("config", "c-2"));

        resources.FindByPhysicalId("c-1").ShouldBeNull("the instance with that id was replaced");
        resources.FindByPhysicalId("c-2").ShouldNotBeNull().Name.ShouldBe("config");

        resources.Remove("config");
        resources.FindByPhysicalId("c-2").ShouldBeNull();
    }
}
