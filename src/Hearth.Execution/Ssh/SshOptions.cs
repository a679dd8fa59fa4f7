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

    /// <summary>How long opening a connection may take (ssh's ConnectTimeout: the TCP connection and the server's greeting).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a connection that has been silent is probed, and how many probes may go unanswered before ssh gives up
    /// on the host: a host that dropped off the network is noticed within AliveInterval × (AliveCountMax + 1), 6 s by
    /// default, however long its script runs.
    /// </summary>
    public TimeSpan AliveInterval { get; init; } = TimeSpan.FromSeconds(2);

    public int AliveCountMax { get; init; } = 2;

    /// <summary>How many times a command whose connection failed (ssh exit 255) is tried again, after a jittered backoff.</summary>
    public int ConnectRetries { get; init; } = 3;

    /// <summary>
    /// After the first failed try, how long new tries may still start. With <see cref="ConnectTimeout"/> it bounds how
    /// long a request goes on once its connection failed: a host cut off mid-deployment fails it within
    /// AliveInterval × (AliveCountMax + 1) + RetryWindow + ConnectTimeout, 14 s by default (docs/ssh.md).
    /// </summary>
    public TimeSpan RetryWindow { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The first backoff; each retry doubles it, with ±50 % jitter.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a request other than a run may take, connecting included: a working host answers a list or a removal at
    /// once and a stop within ~10 s (a script that dies slowly); one that takes longer is stuck, and is said to be.
    /// </summary>
    public TimeSpan AnswerWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How much of stdout, of stderr and of each output file is kept. Default 1 MiB, as on LOCAL.</summary>
    public int MaxCapturedBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Trust on first use, by the operator's explicit choice (<c>--accept-new-host-keys</c>): a server without
    /// <c>known_host_key</c> whose key is not yet in Hearth's known_hosts gets it added there (ssh's
    /// <c>StrictHostKeyChecking=accept-new</c>); a key that differs from the one there is still refused.
    /// </summary>
    public bool AcceptNewHostKeys { get; init; }

    /// <summary>
    /// The command that runs this state folder's <see cref="SshSessionBroker"/> (<c>hearth ssh-broker</c>), which keeps
    /// the hosts' dispatcher sessions between engines; null: each engine runs its own (a long-lived engine, tests).
    /// </summary>
    public IReadOnlyList<string>? Broker { get; init; }

    /// <summary>The remote folder (relative to the user's home unless absolute) under which each deployment gets its working folder.</summary>
    public string RemoteRoot { get; init; } = ".hearth/deployments";
}
