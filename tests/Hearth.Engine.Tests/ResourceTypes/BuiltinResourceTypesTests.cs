using Hearth.Engine.ResourceTypes;
using Hearth.Engine.ResourceTypes.Schemas;

namespace Hearth.Engine.Tests.ResourceTypes;

public sealed class BuiltinResourceTypesTests
{
    private static readonly string[] _heatTypes =
    [
        "OS::Heat::None",
        "OS::Heat::Value",
        "OS::Heat::RandomString",
        "OS::Heat::TestResource",
        "OS::Heat::SoftwareConfig",
        "OS::Heat::SoftwareComponent",
        "OS::Heat::StructuredConfig",
        "OS::Heat::MultipartMime",
        "OS::Heat::CloudConfig",
        "OS::Heat::SoftwareDeployment",
        "OS::Heat::StructuredDeployment",
        "OS::Heat::SoftwareDeploymentGroup",
        "OS::Heat::StructuredDeploymentGroup",
        "OS::Heat::DeployedServer",
        "OS::Heat::ResourceGroup",
        "OS::Heat::ResourceChain",
        "OS::Heat::WaitConditionHandle",
        "OS::Heat::WaitCondition",
    ];

    public static TheoryData<string> HeatTypes => [.. _heatTypes];

    [Theory]
    [MemberData(nameof(HeatTypes))]
    public void Find_ImplementedHeatType_ReturnsItsSchema(string type)
    {
        var schema = BuiltinResourceTypes.Instance.Find(type);

        schema.ShouldNotBeNull().Type.ShouldBe(type);
    }

    [Fact]
    public void TypeNames_Always_AreExactlyTheImplementedHeatTypes()
    {
        BuiltinResourceTypes.Instance.TypeNames.ShouldBe(_heatTypes);
    }

    [Theory]
    [InlineData("OS::Nova::Server")]
    [InlineData("os::heat::none")]
    [InlineData("OS::Heat::SoftwareDeployments")]
    public void Find_TypeHearthDoesNotImplement_ReturnsNull(string type)
    {
        BuiltinResourceTypes.Instance.Find(type).ShouldBeNull();
    }

    [Fact]
    public void Find_None_AcceptsAnyPropertyAndAttribute()
    {
        var schema = BuiltinResourceTypes.Instance.Find(ResourceTypeNames.None).ShouldNotBeNull();

        schema.AnyProperties.ShouldBeTrue();
        schema.HasAttribute("anything").ShouldBeTrue();
    }

    [Theory]
    [InlineData("OS::Heat::SoftwareDeployment")]
    [InlineData("OS::Heat::StructuredDeployment")]
    [InlineData("OS::Heat::SoftwareDeploymentGroup")]
    [InlineData("OS::Heat::StructuredDeploymentGroup")]
    [InlineData("OS::Heat::ResourceGroup")]
    public void Find_DeploymentOrGroup_AcceptsDeclaredOutputAndMemberAttributeNames(string type)
    {
        var schema = BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull();

        schema.AnyProperties.ShouldBeFalse();
        schema.HasAttribute("result").ShouldBeTrue();
    }

    [Theory]
    [InlineData("OS::Heat::TestResource", "output")]
    [InlineData("OS::Heat::Value", "value")]
    [InlineData("OS::Heat::RandomString", "value")]
    [InlineData("OS::Heat::SoftwareConfig", "config")]
    [InlineData("OS::Heat::DeployedServer", "os_collect_config")]
    [InlineData("OS::Heat::WaitCondition", "data")]
    [InlineData("OS::Heat::WaitConditionHandle", "curl_cli")]
    public void HasAttribute_FixedAttributeType_AcceptsHeatsNamesOnly(string type, string attribute)
    {
        var schema = BuiltinResourceTypes.Instance.Find(type).ShouldNotBeNull();

        schema.AnyAttributes.ShouldBeFalse();
        schema.HasAttribute(attribute).ShouldBeTrue();
        schema.HasAttribute("show").ShouldBeTrue();
        schema.HasAttribute("no_such_attribute").ShouldBeFalse();
    }

    [Fact]
    public void HasAttribute_SoftwareComponent_OffersConfigNotConfigs()
    {
        // Heat names the attribute 'configs' in ATTRIBUTES but keeps SoftwareConfig's attributes_schema.
        SoftwareConfigSchemas.SoftwareComponent.HasAttribute("config").ShouldBeTrue();
        SoftwareConfigSchemas.SoftwareComponent.HasAttribute("configs").ShouldBeFalse();
    }
}
