using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hearth.Execution.Hosts;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Execution.Containers;

/// <summary>
/// The podman command lines of a docker-cmd container, in the order heat-agents' hook-docker-cmd.py builds docker's,
/// then paunch's settings. Pure, so the ported hook tests check them without podman.
/// </summary>
public static class PodmanArguments
{
    /// <summary>
    /// What follows <c>podman run --name NAME --label …</c>: the settings, the image and the command. This is also what
    /// the settings hash covers, so any change here replaces the container.
    /// </summary>
    public static ImmutableArray<string> RunSettings(ContainerSpec spec)
    {
        var args = ImmutableArray.CreateBuilder<string>();
        if (spec.Detach)
        {
            args.Add("--detach=true");
        }

        args.AddRange(spec.EnvFiles.Select(f => $"--env-file={f}"));
        args.AddRange(spec.Environment.Select(v => $"--env={v}"));
        Add(args, "--net", spec.Net);
        Add(args, "--pid", spec.Pid);
        if (spec.Privileged is { } privileged)
        {
            args.Add($"--privileged={(privileged ? "true" : "false")}");
        }

        Add(args, "--restart", spec.Restart);
        Add(args, "--user", spec.User);
        args.AddRange(spec.Volumes.Select(v => $"--volume={v}"));
        args.AddRange(spec.VolumesFrom.Select(v => $"--volumes-from={v}"));
        args.AddRange(spec.CapAdd.Select(c => $"--cap-add={c}"));
        args.AddRange(spec.CapDrop.Select(c => $"--cap-drop={c}"));
        Add(args, "--hostname", spec.Hostname);
        args.AddRange(spec.Ulimits.Select(u => $"--ulimit={u}"));
        args.AddRange(spec.Ports.Select(p => $"--publish={p}"));
        Add(args, "--stop-signal", spec.StopSignal);
        if (spec.StopGracePeriodSeconds is { } grace)
        {
            args.Add($"--stop-timeout={grace.ToString(CultureInfo.InvariantCulture)}");
        }

        if (spec.HealthCheck is { } check)
        {
            // Stored with the container (podman healthcheck run uses it); podman cannot time it without systemd, so
            // Hearth runs it (see HealthChecks).
            args.Add($"--health-cmd={check.Test}");
            args.Add($"--health-interval={Seconds(check.Interval)}");
            args.Add($"--health-timeout={Seconds(check.Timeout)}");
            args.Add($"--health-retries={check.Retries.ToString(CultureInfo.InvariantCulture)}");
        }

        args.Add(spec.Image ?? "");
        args.AddRange(spec.Command);
        return args.ToImmutable();
    }

    /// <summary>The whole <c>podman run</c> of a container: its name and labels, then <see cref="RunSettings"/>.</summary>
    public static ImmutableArray<string> Run(ContainerSpec spec, string podmanName, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var args = ImmutableArray.CreateBuilder<string>();
        args.AddRange("podman", "run", "--name", podmanName);
        foreach (var (name, value) in labels)
        {
            args.Add("--label");
            args.Add($"{name}={value}");
        }

        args.AddRange(RunSettings(spec));
        return args.ToImmutable();
    }

    /// <summary>
    /// <see cref="Run"/> as the command that starts the container: its environment's values leave the command line
    /// (which every user of the machine can read, in <c>ps</c>) for podman's stdin, read as an env file after the
    /// container's own, so they still win over those; a value of several lines, which an env file cannot hold, reaches
    /// podman in its own environment, which <c>--env=NAME</c> passes on.
    /// </summary>
    public static HostCommand RunCommand(ContainerSpec spec, string podmanName, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var arguments = new List<string>();
        var file = new StringBuilder();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in Run(spec, podmanName, labels))
        {
            var equals = argument.StartsWith(EnvOption, StringComparison.Ordinal) ? argument.IndexOf('=', EnvOption.Length) : -1;
            if (equals <= EnvOption.Length)
            {
                arguments.Add(argument);
                continue;
            }

            var (name, value) = (argument[EnvOption.Length..equals], argument[(equals + 1)..]);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                environment[name] = value;
                arguments.Add(EnvOption + name);
            }
            else
            {
                if (file.Length == 0)
                {
                    arguments.Add(StdinEnvFile);
                }

                file.Append(name).Append('=').Append(value).Append('\n');
            }
        }

        return new HostCommand(arguments, file.Length > 0 ? file.ToString() : null, environment.Count > 0 ? environment : null);
    }

    private const string EnvOption = "--env=";

    private const string StdinEnvFile = "--env-file=/dev/stdin";

    /// <summary><c>podman exec</c> of an <c>exec</c> action in <paramref name="target"/> (the container found for its first command item).</summary>
    public static ImmutableArray<string> Exec(ContainerSpec spec, string target)
    {
        var args = ImmutableArray.CreateBuilder<string>();
        args.AddRange("podman", "exec");
        if (spec.Privileged is { } privileged)
        {
            args.Add($"--privileged={(privileged ? "true" : "false")}");
        }

        Add(args, "--user", spec.User);
        args.Add(target);
        args.AddRange(spec.Command.Skip(1));
        return args.ToImmutable();
    }

    /// <summary>Heat's labels, then Hearth's (see <see cref="ContainerLabels"/>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Labels(ContainerContext context, ContainerSpec spec, string settings, int generation) =>
    [
        new(ContainerLabels.DeployStackId, context.StackId),
        new(ContainerLabels.DeployResourceName, context.ResourceName),
        new(ContainerLabels.ConfigId, context.DeploymentId),
        new(ContainerLabels.ContainerName, spec.Name),
        new(ContainerLabels.ManagedBy, ContainerLabels.ManagedByValue),
        new(ContainerLabels.Deployment, context.DeploymentId),
        new(ContainerLabels.Settings, settings),
        new(ContainerLabels.Generation, generation.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// Every setting that can stop two generations of a container running side by side: a fixed host port, or the
    /// host's network (any port it listens on is the host's).
    /// </summary>
    public static string? SideBySideConflict(ContainerSpec spec) =>
        spec.Net is "host" ? "it uses the host's network (net: host)"
        : spec.Ports.FirstOrDefault(HasFixedHostPort) is { } port ? $"it publishes the fixed host port {port}"
        : null;

    /// <summary>podman's forms: CONTAINER, HOST:CONTAINER, IP:HOST:CONTAINER, IP::CONTAINER (an empty host port is any free one).</summary>
    private static bool HasFixedHostPort(string publish)
    {
        var parts = publish.Split(':');
        return parts.Length switch
        {
            2 => parts[0].Length > 0,
            >= 3 => parts[^2].Length > 0,
            _ => false,
        };
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 == 0
            ? $"{((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s"
            : $"{((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    private static void Add(ImmutableArray<string>.Builder args, string option, string? value)
    {
        if (value is not null)
        {
            args.Add($"{option}={value}");
        }
    }
}

/// <summary>Who a deployment's containers belong to: its labels' values.</summary>
public sealed record ContainerContext(string DeploymentId, string StackId, string ResourceName);
