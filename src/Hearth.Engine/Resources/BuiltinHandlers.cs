using Hearth.Engine.Resources.Handlers;
using Hearth.Engine.Resources.Software;

namespace Hearth.Engine.Resources;

/// <summary>The resource types this build of the engine can deploy.</summary>
public static class BuiltinHandlers
{
    /// <param name="time">The clock (TestResource waits, wait condition timeouts, pauses between batches).</param>
    /// <param name="deployments">What software deployments need; without it they fail with a clear reason.</param>
    public static ResourceHandlerRegistry Create(TimeProvider time, DeploymentServices? deployments = null) => new(
    [
        new NoneHandler(),
        new ValueHandler(),
        new RandomStringHandler(),
        new TestResourceHandler(time),
        ConfigHandler.SoftwareConfig(),
        ConfigHandler.StructuredConfig(),
        ConfigHandler.SoftwareComponent(),
        ConfigHandler.MultipartMime(),
        ConfigHandler.CloudConfig(),
        new DeployedServerHandler(deployments),
        new Groups.ResourceGroupHandler(),
        new Groups.ResourceChainHandler(),
        SoftwareDeploymentHandler.Software(deployments),
        SoftwareDeploymentHandler.Structured(deployments),
        SoftwareDeploymentGroupHandler.Software(deployments, time),
        SoftwareDeploymentGroupHandler.Structured(deployments, time),
        new Signals.WaitConditionHandleHandler(deployments?.StateDirectory, deployments?.HearthCommand),
        new Signals.WaitConditionHandler(deployments?.Store, time),
    ]);
}
