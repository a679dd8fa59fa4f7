using System.Collections.Immutable;

namespace Hearth.Templates.Schema.DockerCmd;

/// <summary>
/// One container of a <c>docker-cmd</c> config, as heat-agents' hook-docker-cmd.py and paunch read it. Lists are empty
/// when the key is absent; the nullable settings are left to podman's defaults when null.
/// </summary>
/// <param name="Name">The key of the container in the config (its <c>container_name</c> label).</param>
/// <param name="Action"><c>run</c> (start a container) or <c>exec</c> (run <see cref="Command"/> in a running one).</param>
/// <param name="Command">For <c>exec</c>, the first item names the target container.</param>
/// <param name="Detach">False: wait for the container to exit, capture its output and check its exit code.</param>
public sealed record ContainerSpec(
    string Name,
    string Action,
    string? Image,
    ImmutableArray<string> Command,
    bool Detach,
    long StartOrder,
    ImmutableArray<long> ExitCodes,
    ImmutableArray<string> Environment,
    ImmutableArray<string> EnvFiles,
    string? Net,
    string? Pid,
    string? User,
    string? Restart,
    bool? Privileged,
    ImmutableArray<string> Volumes,
    ImmutableArray<string> VolumesFrom,
    HealthCheck? HealthCheck,
    string? StopSignal,
    long? StopGracePeriodSeconds,
    ImmutableArray<string> CapAdd,
    ImmutableArray<string> CapDrop,
    string? Hostname,
    ImmutableArray<string> Ulimits,
    ImmutableArray<string> Ports)
{
    public bool IsExec => Action == DockerCmdConfig.ExecAction;

    /// <summary>For <c>exec</c>: the container it runs in (the first item of <see cref="Command"/>).</summary>
    public string? ExecTarget => IsExec && Command.Length > 0 ? Command[0] : null;
}

/// <summary>paunch's <c>healthcheck</c>: a command that exits 0 when the container is ready.</summary>
/// <param name="Test">The command as podman's <c>--health-cmd</c> takes it (a shell string or a JSON array).</param>
public sealed record HealthCheck(string Test, TimeSpan Interval, TimeSpan Timeout, int Retries);
