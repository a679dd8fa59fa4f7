using Hearth.Engine.ResourceTypes;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;
using Hearth.Templates.Values;

namespace Hearth.Engine.Tests.ResourceTypes;

/// <summary>The schema facts the engine's update and deployment logic depends on, as Heat 19 declares them.</summary>
public sealed class SchemaFactsTests
{
    private static PropertySchema Property(string type, string name) =>
        BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull().Properties[name];

    [Theory]
    [InlineData("OS::Heat::SoftwareConfig")]
    [InlineData("OS::Heat::StructuredConfig")]
    [InlineData("OS::Heat::SoftwareComponent")]
    [InlineData("OS::Heat::MultipartMime")]
    [InlineData("OS::Heat::CloudConfig")]
    public void UpdateAllowed_ConfigProperty_IsFalseSoAnyChangeReplaces(string type)
    {
        var schema = BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull();

        schema.Properties.Values.Where(p => p.UpdateAllowed).Select(p => p.Name).ShouldBeEmpty();
    }

    [Fact]
    public void SoftwareConfig_Group_DefaultsToHeatUngrouped()
    {
        Property(ResourceTypeNames.SoftwareConfig, "group").Default.ShouldBe("Heat::Ungrouped");
    }

    [Theory]
    [InlineData("OS::Heat::SoftwareDeployment")]
    [InlineData("OS::Heat::StructuredDeployment")]
    public void Server_Deployment_IsRequiredAndReplacesOnChange(string type)
    {
        var server = Property(type, "server");

        server.Required.ShouldBeTrue();
        server.UpdateAllowed.ShouldBeFalse();
        Property(type, "signal_transport").UpdateAllowed.ShouldBeFalse();
    }

    [Theory]
    [InlineData("config")]
    [InlineData("input_values")]
    [InlineData("actions")]
    [InlineData("name")]
    public void UpdateAllowed_SoftwareDeploymentProperty_IsTrue(string name)
    {
        Property(ResourceTypeNames.SoftwareDeployment, name).UpdateAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Actions_SoftwareDeployment_DefaultsToCreateUpdateAndAllowsTheFiveLifecycleActions()
    {
        var actions = Property(ResourceTypeNames.SoftwareDeployment, "actions");

        actions.Type.ShouldBe(PropertyType.List);
        Value.DeepEquals(actions.Default, new List<object?> { "CREATE", "UPDATE" }).ShouldBeTrue();
        actions.ConstraintList.OfType<AllowedValuesConstraint>().Single().Values
            .ShouldBe(["CREATE", "UPDATE", "DELETE", "SUSPEND", "RESUME"]);
    }

    [Fact]
    public void SignalTransport_SoftwareDeployment_DefaultsToHeatsConfiguredDefault()
    {
        var transport = Property(ResourceTypeNames.SoftwareDeployment, "signal_transport");

        transport.Default.ShouldBe("CFN_SIGNAL");
        transport.ConstraintList.OfType<AllowedValuesConstraint>().Single().Values
            .ShouldBe(["CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL"]);
    }

    [Fact]
    public void StructuredDeployment_InputKeyAndValidate_HaveHeatsDefaults()
    {
        Property(ResourceTypeNames.StructuredDeployment, "input_key").Default.ShouldBe("get_input");
        Property(ResourceTypeNames.StructuredDeployment, "input_values_validate").Default.ShouldBe("LAX");
        SoftwareDeploymentSchemas.SoftwareDeployment.Properties.ContainsKey("input_key").ShouldBeFalse();
    }

    [Fact]
    public void Servers_DeploymentGroup_IsRequiredAndUpdateAllowed()
    {
        var servers = Property(ResourceTypeNames.SoftwareDeploymentGroup, "servers");

        servers.Required.ShouldBeTrue();
        servers.UpdateAllowed.ShouldBeTrue();
        SoftwareDeploymentSchemas.SoftwareDeploymentGroup.Properties.ContainsKey("server").ShouldBeFalse();
    }

    [Fact]
    public void UpdateReplaceValue_TestResource_IsTheOnlyPropertyNotUpdateAllowed()
    {
        var schema = BuiltinResourceTypes.Instance.Find(ResourceTypeNames.TestResource).ShouldNotBeNull();

        schema.Properties.Values.Where(p => !p.UpdateAllowed).Select(p => p.Name).ShouldBe(["update_replace_value"]);
        schema.Properties["value"].Default.ShouldBe("test_string");
    }

    [Fact]
    public void Length_RandomString_Defaults32WithinOneTo512()
    {
        var length = Property(ResourceTypeNames.RandomString, "length");

        length.Type.ShouldBe(PropertyType.Integer);
        length.Default.ShouldBe(32L);
        length.UpdateAllowed.ShouldBeFalse();
        var range = length.ConstraintList.OfType<RangeConstraint>().Single();
        range.Min.ShouldBe(1);
        range.Max.ShouldBe(512);
    }

    [Fact]
    public void CharacterClasses_RandomString_ConstrainsClassAndMin()
    {
        var item = Property(ResourceTypeNames.RandomString, "character_classes").Schema.ShouldNotBeNull()[PropertySchema.ListItemKey];
        var keys = item.Schema.ShouldNotBeNull();

        keys["class"].ConstraintList.OfType<AllowedValuesConstraint>().Single().Values
            .ShouldBe(["lettersdigits", "letters", "lowercase", "uppercase", "digits", "hexdigits", "octdigits"]);
        keys["min"].ConstraintList.OfType<RangeConstraint>().Single().ShouldBe(new RangeConstraint(1, 512));
    }

    [Fact]
    public void Count_ResourceGroup_AtLeastZeroDefaultOneUpdateAllowed()
    {
        var count = Property(ResourceTypeNames.ResourceGroup, "count");

        count.Default.ShouldBe(1L);
        count.UpdateAllowed.ShouldBeTrue();
        count.ConstraintList.OfType<RangeConstraint>().Single().ShouldBe(new RangeConstraint(0, null));
        Property(ResourceTypeNames.ResourceGroup, "index_var").UpdateAllowed.ShouldBeFalse();
    }

    [Fact]
    public void UpdatePolicy_ResourceGroupAndDeploymentGroups_DifferInMinInService()
    {
        var group = ResourceGroupSchema.Schema.UpdatePolicy;
        var deployments = SoftwareDeploymentSchemas.SoftwareDeploymentGroup.UpdatePolicy;

        group.Keys.Order().ShouldBe(["batch_create", "rolling_update"]);
        group["rolling_update"].Schema.ShouldNotBeNull().Keys.Order().ShouldBe(["max_batch_size", "min_in_service", "pause_time"]);
        deployments["rolling_update"].Schema.ShouldNotBeNull().Keys.Order().ShouldBe(["max_batch_size", "pause_time"]);
        UtilitySchemas.TestResource.UpdatePolicy.ShouldBeEmpty();
    }

    [Fact]
    public void SoftwareConfigTransport_DeployedServer_AcceptsHeatAndHearthTransportsDefaultingToLocal()
    {
        var transport = Property(ResourceTypeNames.DeployedServer, "software_config_transport");

        transport.Default.ShouldBe("LOCAL");
        transport.UpdateAllowed.ShouldBeTrue();
        transport.ConstraintList.OfType<AllowedValuesConstraint>().Single().Values
            .ShouldBe(["POLL_SERVER_CFN", "POLL_SERVER_HEAT", "POLL_TEMP_URL", "ZAQAR_MESSAGE", "LOCAL", "SSH", "AGENT"]);
    }

    [Fact]
    public void Ssh_DeployedServer_HasHearthConnectionKeys()
    {
        var ssh = Property(ResourceTypeNames.DeployedServer, "ssh").Schema.ShouldNotBeNull();

        ssh.Keys.Order().ShouldBe(["host", "key_file", "known_host_key", "port", "user"]);
        ssh["port"].Default.ShouldBe(22L);
        var max = Property(ResourceTypeNames.DeployedServer, "max_concurrent_deployments");
        max.Default.ShouldBe(1L);
        max.ConstraintList.OfType<RangeConstraint>().Single().Min.ShouldBe(1);
    }
}
