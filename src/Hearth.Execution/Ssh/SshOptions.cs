namespace Hearth.Execution.Ssh;

/// <summary>Settings of the SSH transport, the same for every host.</summary>
/// <param name="StateRoot">
/// The engine's state folder: <c>ssh/</c> under it holds the connection sockets (0700), Hearth's known_hosts file and
/// the list of hosts deployments ran on (for <see cref="IDeploymentTransport.StopOrphansAsync"/>).
/// </param>
public sealed record SshOptions(string StateRoot)
{
    /// <summary>The ssh client to run.</summary>
    public string Client { get; init; } = "ssh";

    /// <summary>How many connections may be opening at once, across hosts (each costs a key exchange on both sides).</summary>
    public int MaxConnectionsOpening { get; init; } = 8;

    /// <summary>How many commands run at once over one host's connection: below sshd's MaxSessions (default 10).</summary>
    public int MaxChannelsPerHost { get; init; } = 8;

    /// <summary>How long a host's shared connection stays open after its last command, for the next command to reuse.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long opening a connection may take (ssh's ConnectTimeout).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an idle connection is probed, and how many probes may go unanswered before ssh gives up on the host:
    /// together they bound how long a host that dropped off the network goes unnoticed.
    /// </summary>
    public TimeSpan AliveInterval { get; init; } = TimeSpan.FromSeconds(3);

    public int AliveCountMax { get; init; } = 3;

    /// <summary>How many times a command whose connection failed (ssh exit 255) is tried again, after a jittered backoff.</summary>
    public int ConnectRetries { get; init; } = 3;

    /// <summary>The first backoff; each retry doubles it, with ±50 % jitter.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How much of stdout, of stderr and of each output file is kept. Default 1 MiB, as on LOCAL.</summary>
    public int MaxCapturedBytes { get; init; } = 1024 * 1024;

    /// <summary>The remote folder (relative to the user's home unless absolute) under which each deployment gets its working folder.</summary>
    public string RemoteRoot { get; init; } = ".hearth/deployments";
}
