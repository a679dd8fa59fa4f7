using System.Collections.Immutable;
using Hearth.Execution.Hosts;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Execution.Containers;

/// <summary>
/// The <c>docker-cmd</c> config group on podman, through any transport's <see cref="ICommandHost"/>. CREATE and UPDATE
/// converge the host's containers to the config (<see cref="ContainerUpdate"/>); DELETE removes every container
/// labelled with the deployment (Heat's hook left that to an os-refresh-config script). The labels on the host are the
/// only state: a run interrupted anywhere is finished or undone by the next run for the deployment.
/// </summary>
public sealed class DockerCmdHook(TimeProvider timeProvider) : IConfigHook
{
    /// <summary>The option (config <c>options</c>) that says how many stopped generations of each container are kept.</summary>
    public const string RetainOption = "retain_generations";

    /// <summary>Without the option: the previous generation, which a rollback restarts.</summary>
    public const int DefaultRetained = 1;

    public async Task<DeploymentResult> RunAsync(ICommandHost host, DeploymentRequest request, string config, CancellationToken ct)
    {
        var started = timeProvider.GetTimestamp();
        var reading = DockerCmdConfig.Read(config);
        if (!reading.IsValid && request.Action != DeploymentActions.Delete)
        {
            return DeploymentResult.NotRun(DeploymentStatus.Failed,
                $"The docker-cmd config is not valid: {string.Join("; ", reading.Problems.Select(p => p.Message))}", timeProvider.GetElapsedTime(started));
        }

        var log = new CommandLog();
        var podman = new PodmanClient(host);
        using var timeout = request.Timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        ContainerOutcome outcome;
        var outputs = ImmutableDictionary<string, object?>.Empty;
        try
        {
            if (request.Action == DeploymentActions.Delete)
            {
                outcome = await DeleteAsync(podman, request.DeploymentId, log, linked.Token);
            }
            else
            {
                var update = new ContainerUpdate(podman, Context(request), Retained(request), log, timeProvider);
                outcome = await update.ApplyAsync(reading.Containers, linked.Token);
                if (outcome.Failure is null)
                {
                    outputs = await PublishedAddressesAsync(host, request.Outputs, update.Running, linked.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            return Result(DeploymentStatus.TimedOut, null, $"Deployment exceeded its timeout of {request.Timeout}", log, started);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Result(DeploymentStatus.Cancelled, null, "Deployment cancelled.", log, started);
        }
        catch (PodmanException e)
        {
            log.Add(new HostCommandResult(1, "", e.StandardError));
            return Result(DeploymentStatus.Failed, null, e.Message, log, started);
        }
        catch (HostUnreachableException e)
        {
            return Result(DeploymentStatus.Failed, null, e.Message, log, started);
        }

        return outcome.Failure is null
            ? Result(DeploymentStatus.Complete, 0, "Outputs received", log, started) with { Outputs = outputs }
            : Result(DeploymentStatus.Failed, outcome.ExitCode, outcome.Failure, log, started);
    }

    /// <summary>
    /// Hearth's outputs of a docker-cmd deployment: a declared output named <c>CONTAINER:PORT</c> (<c>api:80</c>,
    /// <c>dns:53/udp</c>) is the host address podman published for that port of the container's running generation
    /// (<c>127.0.0.1:40123</c>), so dependents reach a new generation through the dataflow. One not published is absent.
    /// </summary>
    private static async Task<ImmutableDictionary<string, object?>> PublishedAddressesAsync(
        ICommandHost host,
        IReadOnlyList<DeploymentOutputDeclaration> declared,
        IReadOnlyDictionary<string, string> running,
        CancellationToken ct)
    {
        var outputs = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (var output in declared)
        {
            var colon = output.Name.LastIndexOf(':');
            if (colon <= 0 || !running.TryGetValue(output.Name[..colon], out var id))
            {
                continue;
            }

            var port = await host.RunAsync(new HostCommand(["podman", "port", id, output.Name[(colon + 1)..]]), ct);
            if (port.Succeeded && port.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
            {
                outputs[output.Name] = first.Trim();
            }
        }

        return outputs.ToImmutable();
    }

    private static async Task<ContainerOutcome> DeleteAsync(PodmanClient podman, string deploymentId, CommandLog log, CancellationToken ct) =>
        await podman.RemoveAllAsync(await podman.ListAsync(deploymentId, ct), "containers", log, ct) ?? ContainerOutcome.Done;

    private static ContainerContext Context(DeploymentRequest request)
    {
        string Input(string name) => request.Inputs.FirstOrDefault(i => i.Name == name)?.Value as string ?? "";
        return new ContainerContext(request.DeploymentId, Input(DeploymentInputs.DeployStackId), Input(DeploymentInputs.DeployResourceName));
    }

    private static int Retained(DeploymentRequest request) =>
        request.Options.GetValueOrDefault(RetainOption) is long n and >= 0 and <= 100 ? (int)n : DefaultRetained;

    private DeploymentResult Result(DeploymentStatus status, int? exitCode, string reason, CommandLog log, long started) =>
        new(status, exitCode, log.Stdout, log.Stderr, ImmutableDictionary<string, object?>.Empty, reason, timeProvider.GetElapsedTime(started));
}

/// <summary>
/// How converging ended: done, or the first failure (its exit code for deploy_status_code, and why: which container,
/// which podman step, its exit code). What podman wrote to stderr is in the deployment's log, never in the reason.
/// </summary>
internal sealed record ContainerOutcome(int? ExitCode, string? Failure)
{
    public static ContainerOutcome Done { get; } = new(0, null);

    public static ContainerOutcome Failed(int? exitCode, string failure) => new(exitCode, failure);
}
