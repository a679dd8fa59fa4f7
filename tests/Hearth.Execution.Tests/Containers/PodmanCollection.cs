namespace Hearth.Execution.Tests.Containers;

/// <summary>The container tests share one <see cref="PodmanHost"/> (images built once, every container removed at the end) and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PodmanCollection : ICollectionFixture<PodmanHost>
{
    public const string Name = "podman";
}
