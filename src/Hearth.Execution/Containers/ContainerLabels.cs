namespace Hearth.Execution.Containers;

/// <summary>
/// The labels that are the state of docker-cmd containers on a host: Heat's (hook-docker-cmd.py sets the first five)
/// and Hearth's own. Hearth reads a host's containers by these labels alone and never touches one without
/// <see cref="Deployment"/>.
/// </summary>
public static class ContainerLabels
{
    public const string ManagedBy = "managed_by";
    public const string ManagedByValue = "docker-cmd";
    public const string ConfigId = "config_id";
    public const string ContainerName = "container_name";
    public const string DeployStackId = "deploy_stack_id";
    public const string DeployResourceName = "deploy_resource_name";

    /// <summary>The deployment the container belongs to (Hearth's deployment id).</summary>
    public const string Deployment = "hearth.deployment";

    /// <summary>A hash of what podman was told to run (every setting and the resolved image id): equal means unchanged.</summary>
    public const string Settings = "hearth.settings";

    /// <summary>1 for the first container of a name, one more for each replacement.</summary>
    public const string Generation = "hearth.generation";
}
