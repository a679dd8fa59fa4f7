using Hearth.Testing.Sshd;

namespace Hearth.Cli.Tests.Ssh;

/// <summary>Real sshd hosts, started once for every SSH test of this project.</summary>
[CollectionDefinition(Name)]
public sealed class SshHostsCollection : ICollectionFixture<SshHosts>
{
    public const string Name = "sshd hosts";
}
