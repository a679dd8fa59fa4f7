namespace Hearth.Engine.ResourceTypes;

/// <summary>The names of the resource types Hearth implements, as templates spell them.</summary>
public static class ResourceTypeNames
{
    public const string None = "OS::Heat::None";
    public const string Value = "OS::Heat::Value";
    public const string RandomString = "OS::Heat::RandomString";
    public const string TestResource = "OS::Heat::TestResource";
    public const string SoftwareConfig = "OS::Heat::SoftwareConfig";
    public const string SoftwareComponent = "OS::Heat::SoftwareComponent";
    public const string StructuredConfig = "OS::Heat::StructuredConfig";
    public const string MultipartMime = "OS::Heat::MultipartMime";
    public const string CloudConfig = "OS::Heat::CloudConfig";
    public const string SoftwareDeployment = "OS::Heat::SoftwareDeployment";
    public const string StructuredDeployment = "OS::Heat::StructuredDeployment";
    public const string SoftwareDeploymentGroup = "OS::Heat::SoftwareDeploymentGroup";
    public const string StructuredDeploymentGroup = "OS::Heat::StructuredDeploymentGroup";
    public const string DeployedServer = "OS::Heat::DeployedServer";
    public const string ResourceGroup = "OS::Heat::ResourceGroup";
    public const string ResourceChain = "OS::Heat::ResourceChain";
    public const string WaitConditionHandle = "OS::Heat::WaitConditionHandle";
    public const string WaitCondition = "OS::Heat::WaitCondition";
}
