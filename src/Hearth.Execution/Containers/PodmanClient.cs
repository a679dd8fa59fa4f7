using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hearth.Execution.Hosts;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Containers;

/// <summary>
/// The podman commands the docker-cmd hook needs, run on one host through its <see cref="ICommandHost"/>. Safe to use
/// from concurrent tasks (each call is its own podman process).
/// </summary>
internal sealed class PodmanClient(ICommandHost host)
{
    /// <summary>How many ids one <c>podman rm</c> is given: podman removes them in parallel itself; the bound keeps argv short.</summary>
    private const int RemoveBatch = 100;

    public string HostDescription => host.Description;

    /// <summary>Every container (running or not) labelled as belonging to <paramref name="deploymentId"/>.</summary>
    public async Task<ImmutableArray<ManagedContainer>> ListAsync(string deploymentId, CancellationToken ct) =>
        await ListAsync([$"label={ContainerLabels.Deployment}={deploymentId}"], ct);

    /// <summary>Every docker-cmd container with the label <c>container_name</c> = <paramref name="name"/>, whatever deployment made it.</summary>
    public async Task<ImmutableArray<ManagedContainer>> ListByNameAsync(string name, CancellationToken ct) =>
        await ListAsync([$"label={ContainerLabels.ManagedBy}={ContainerLabels.ManagedByValue}", $"label={ContainerLabels.ContainerName}={name}"], ct);

    /// <summary>The id of the image as this host resolves <paramref name="image"/>; null when the host does not have it.</summary>
    public async Task<string?> ImageIdAsync(string image, CancellationToken ct)
    {
        var result = await host.RunAsync(new HostCommand(["podman", "image", "inspect", "--format", "{{.Id}}", image]), ct);
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    /// <summary>Runs a command whose output belongs to the deployment's (deploy_stdout, deploy_stderr), kept in <paramref name="log"/>.</summary>
    public Task<HostCommandResult> RunLoggedAsync(IReadOnlyList<string> arguments, CommandLog log, CancellationToken ct) =>
        RunLoggedAsync(new HostCommand(arguments), log, ct);

    /// <summary>As above, with the command's stdin and environment.</summary>
    public async Task<HostCommandResult> RunLoggedAsync(HostCommand command, CommandLog log, CancellationToken ct)
    {
        var result = await host.RunAsync(command, ct);
        log.Add(result);
        return result;
    }

    public Task<HostCommandResult> StartAsync(string id, CancellationToken ct) =>
        host.RunAsync(new HostCommand(["podman", "start", id]), ct);

    public Task<HostCommandResult> StopAsync(string id, CancellationToken ct) =>
        host.RunAsync(new HostCommand(["podman", "stop", id]), ct);

    public Task<HostCommandResult> RemoveAsync(string id, CancellationToken ct) =>
        host.RunAsync(new HostCommand(["podman", "rm", "--force", id]), ct);

    /// <summary>
    /// Removes <paramref name="containers"/> with as few <c>podman rm</c> as the batch allows (one for a deployment of up to
    /// 100): one podman removes many in parallel, where one process per container costs podman's start-up each time.
    /// Null when all are gone, else why not (and what podman said, in <paramref name="log"/>).
    /// </summary>
    public async Task<ContainerOutcome?> RemoveAllAsync(IReadOnlyList<ManagedContainer> containers, string what, CommandLog log, CancellationToken ct)
    {
        foreach (var batch in containers.Chunk(RemoveBatch))
        {
            var removed = await host.RunAsync(new HostCommand(["podman", "rm", "--force", .. batch.Select(c => c.Id)]), ct);
            if (!removed.Succeeded)
            {
                log.Add(removed);
                return ContainerOutcome.Failed(removed.ExitCode, $"podman rm of {what} {string.Join(", ", batch.Select(c => c.PodmanName))} failed (exit {removed.ExitCode})");
            }
        }

        return null;
    }

    public Task<HostCommandResult> HealthCheckAsync(string id, CancellationToken ct) =>
        host.RunAsync(new HostCommand(["podman", "healthcheck", "run", id]), ct);

    private async Task<ImmutableArray<ManagedContainer>> ListAsync(IReadOnlyList<string> filters, CancellationToken ct)
    {
        List<string> arguments = ["podman", "ps", "--all", "--format", "json"];
        foreach (var filter in filters)
        {
            arguments.Add("--filter");
            arguments.Add(filter);
        }

        var result = await host.RunAsync(new HostCommand(arguments), ct);
        if (!result.Succeeded)
        {
            throw new PodmanException($"podman ps failed on {host.Description} (exit {result.ExitCode})", result.StandardError);
        }

        return PodmanPsJson.Parse(result.StandardOutput);
    }
}

/// <summary>A container as <c>podman ps --format json</c> shows it, with the labels that make it a docker-cmd container.</summary>
public sealed record ManagedContainer(string Id, string PodmanName, string State, long StartedAt, ImmutableDictionary<string, string> Labels)
{
    public bool IsRunning => State == "running";

    /// <summary>Exited or stopped after it ran (a one-shot that finished; a retired generation).</summary>
    public bool HasRun => State is "exited" or "stopped";

    public string Name => Labels.GetValueOrDefault(ContainerLabels.ContainerName, "");

    public string Settings => Labels.GetValueOrDefault(ContainerLabels.Settings, "");

    public int Generation => int.TryParse(Labels.GetValueOrDefault(ContainerLabels.Generation), NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : 0;

    public int ExitCode { get; init; }
}

/// <summary>podman itself failed (not a container): the host's podman is missing or broken.</summary>
/// <param name="message">What failed, in one line.</param>
/// <param name="standardError">What podman wrote to stderr (why, in its words): a failure shows it as its stderr tail.</param>
public sealed class PodmanException(string message, string standardError) : Exception(message)
{
    public string StandardError { get; } = standardError;
}

/// <summary>
/// The output a deployment shows: what its containers and execs printed, joined as Heat joins it. One log is written by
/// one task at a time: containers started together each write their own, appended in the config's order after.
/// </summary>
internal sealed class CommandLog
{
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    public void Add(HostCommandResult result)
    {
        if (result.StandardOutput.Length > 0)
        {
            _stdout.Add(result.StandardOutput);
        }

        if (result.StandardError.Length > 0)
        {
            _stderr.Add(result.StandardError);
        }
    }

    /// <summary>Adds what <paramref name="other"/> holds after what this one holds.</summary>
    public void Append(CommandLog other)
    {
        _stdout.AddRange(other._stdout);
        _stderr.AddRange(other._stderr);
    }

    /// <summary>A line of Hearth's own in deploy_stderr (what it did that the user should know: an old generation stopped first).</summary>
    public void Note(string note) => _stderr.Add($"[hearth: {note}]");

    /// <summary>How much of each stream the deployment keeps, its tail: as much as a script's transport keeps of a script's.</summary>
    public const int MaxCapturedBytes = 1024 * 1024;

    public string Stdout => Tail(string.Join('\n', _stdout));

    public string Stderr => Tail(string.Join('\n', _stderr));

    /// <summary>The last <see cref="MaxCapturedBytes"/> of <paramref name="text"/>, after a marker line when more was written (as a script's output).</summary>
    private static string Tail(string text)
    {
        // A UTF-16 character is at most 3 bytes of UTF-8: most logs are known to fit without encoding them.
        if (text.Length <= MaxCapturedBytes / 3)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length <= MaxCapturedBytes ? text : OutputTail.Text(bytes[^MaxCapturedBytes..], bytes.Length);
    }
}

/// <summary>Reads <c>podman ps --all --format json</c> (podman 4: an array of objects with Id, Names, State, StartedAt, ExitCode, Labels).</summary>
internal static class PodmanPsJson
{
    public static ImmutableArray<ManagedContainer> Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        var containers = ImmutableArray.CreateBuilder<ManagedContainer>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var labels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (item.TryGetProperty("Labels", out var labelsElement) && labelsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var label in labelsElement.EnumerateObject())
                {
                    labels[label.Name] = label.Value.GetString() ?? "";
                }
            }

            var name = item.TryGetProperty("Names", out var names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0
                ? names[0].GetString() ?? ""
                : "";
            containers.Add(new ManagedContainer(
                item.GetProperty("Id").GetString() ?? "",
                name,
                item.TryGetProperty("State", out var state) ? state.GetString() ?? "" : "",
                item.TryGetProperty("StartedAt", out var started) && started.TryGetInt64(out var at) ? at : 0,
                labels.ToImmutable())
            {
                ExitCode = item.TryGetProperty("ExitCode", out var exit) && exit.TryGetInt32(out var code) ? code : 0,
            });
        }

        return containers.ToImmutable();
    }
}
