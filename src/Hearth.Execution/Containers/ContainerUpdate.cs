using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Execution.Containers;

/// <summary>
/// Converges one deployment's containers on a host to its config, in start order. A container whose settings hash (its
/// podman settings and resolved image id) has a running generation is left alone (same id, same start time). Else a
/// stopped generation with that hash is started again (a rollback gets the very container it had), or a new generation
/// starts beside the old one, passes its health check, and only then is the old one stopped and kept. Where the two
/// cannot run side by side the old one is stopped first, and deploy_stderr says so. A failure undoes what this run did
/// (new generations removed, stopped ones started). After a success, containers no longer in the config are removed and
/// stopped generations beyond the retained number are pruned.
/// <para>
/// Detached <c>run</c> containers next to each other in the config with the same <c>start_order</c> are converged
/// together, up to <see cref="Parallelism"/> at a time: Heat's hook and paunch promise only the order of different
/// <c>start_order</c>s, and that a one-shot (<c>detach: false</c>) holds up what follows it until it exits, both kept
/// here (a one-shot or an <c>exec</c> runs alone, after everything before it in the config).
/// </para>
/// </summary>
internal sealed class ContainerUpdate(PodmanClient podman, ContainerContext context, int retained, CommandLog log, TimeProvider timeProvider)
{
    /// <summary>How long an <c>exec</c> waits for its target container to be running (it may be starting in this run).</summary>
    internal static readonly TimeSpan ExecTargetWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many containers of a group are converged at once. Most of a <c>podman run</c> is podman's own start-up and
    /// runc: on a 2-core machine 2 at a time already took 20 runs from 7.7 s to 4.3 s, 4 to 4.1 s (bench/containers.py).
    /// </summary>
    internal const int Parallelism = 4;

    private static readonly TimeSpan ExecTargetPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>What to do, newest last, to undo this run if a later step fails (containers of a group push concurrently).</summary>
    private readonly Stack<(string What, Func<CancellationToken, Task> Undo)> _undo = new();

    /// <summary>The generation each container of the config has now (id, or podman name for a one-shot), which pruning keeps.</summary>
    private readonly HashSet<string> _current = new(StringComparer.Ordinal);

    /// <summary>The generations this run stopped (replaced ones): retired now, like those that were stopped already.</summary>
    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal);

    /// <summary>Guards <see cref="_undo"/>, <see cref="_current"/>, <see cref="_stopped"/> and <see cref="Running"/>, which containers of a group update at once.</summary>
    private readonly Lock _gate = new();

    /// <summary>Image ids, each resolved once before anything starts (one <c>podman image inspect</c> per image, not per container).</summary>
    private IReadOnlyDictionary<string, string?> _imageIds = new Dictionary<string, string?>();

    /// <summary>The running container of each <c>run</c> container of the config once converged, by config name.</summary>
    public Dictionary<string, string> Running { get; } = new(StringComparer.Ordinal);

    public async Task<ContainerOutcome> ApplyAsync(ImmutableArray<ContainerSpec> specs, CancellationToken ct)
    {
        // The labels and the images are read at once: neither depends on the other.
        var listing = podman.ListAsync(context.DeploymentId, ct);
        var images = ResolveImagesAsync(specs, ct);
        await Task.WhenAll(listing, images);
        var existing = await listing;
        _imageIds = await images;
        if (specs.FirstOrDefault(s => !s.IsExec && _imageIds[s.Image ?? ""] is null) is { } missing)
        {
            return ContainerOutcome.Failed(125, $"container '{missing.Name}': the image '{missing.Image}' is not on {podman.HostDescription}; pull or build it there first");
        }

        foreach (var group in Groups(specs))
        {
            var logs = group.Select(_ => new CommandLog()).ToArray();
            var outcomes = new ContainerOutcome[group.Count];
            using var slots = new SemaphoreSlim(Parallelism);
            await Task.WhenAll(group.Select(async (spec, i) =>
            {
                await slots.WaitAsync(ct);
                try
                {
                    outcomes[i] = spec.IsExec ? await ExecAsync(spec, logs[i], ct) : await EnsureAsync(spec, existing, logs[i], ct);
                }
                finally
                {
                    slots.Release();
                }
            }));
            // The failed container's output goes last: the end of deploy_stderr is what a failure shows.
            foreach (var i in Enumerable.Range(0, group.Count).OrderBy(i => outcomes[i].Failure is not null))
            {
                log.Append(logs[i]);
            }

            // Every container of the group has finished (none is left half-started), so the undo is complete.
            if (outcomes.FirstOrDefault(o => o.Failure is not null) is { } failed)
            {
                await UndoAsync(ct);
                return failed;
            }
        }

        var names = specs.Where(s => !s.IsExec).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (await podman.RemoveAllAsync(existing.Where(c => !names.Contains(c.Name)).ToList(), "containers no longer in the config", log, ct) is { } notRemoved)
        {
            return notRemoved;
        }

        return await PruneAsync(existing, names, ct);
    }

    /// <summary>
    /// The config in the groups it is converged in, in order: detached <c>run</c> containers next to each other with the
    /// same start_order form one group; a one-shot or an <c>exec</c> is a group of its own.
    /// </summary>
    internal static List<List<ContainerSpec>> Groups(ImmutableArray<ContainerSpec> specs)
    {
        static bool Concurrent(ContainerSpec spec) => !spec.IsExec && spec.Detach;
        var groups = new List<List<ContainerSpec>>();
        foreach (var spec in specs)
        {
            if (Concurrent(spec) && groups.Count > 0 && groups[^1] is [var previous, ..] && Concurrent(previous) && previous.StartOrder == spec.StartOrder)
            {
                groups[^1].Add(spec);
            }
            else
            {
                groups.Add([spec]);
            }
        }

        return groups;
    }

    /// <summary>The id of every image the config runs (null: not on the host), looked up at once.</summary>
    private async Task<IReadOnlyDictionary<string, string?>> ResolveImagesAsync(ImmutableArray<ContainerSpec> specs, CancellationToken ct)
    {
        var names = specs.Where(s => !s.IsExec).Select(s => s.Image ?? "").Distinct(StringComparer.Ordinal).ToList();
        var ids = await Task.WhenAll(names.Select(name => podman.ImageIdAsync(name, ct)));
        return names.Zip(ids).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
    }

    /// <summary>The hash that says whether a container changed: every podman setting, in order, and the image's id.</summary>
    public static string SettingsHash(ContainerSpec spec, string imageId)
    {
        var text = string.Join('\0', PodmanArguments.RunSettings(spec).Append(imageId));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>The container's name in podman: the config's name, the deployment and the generation (two may run at once).</summary>
    public static string PodmanName(ContainerContext context, ContainerSpec spec, int generation) =>
        $"{spec.Name}-{context.DeploymentId[..Math.Min(8, context.DeploymentId.Length)]}-{generation}";

    private async Task<ContainerOutcome> EnsureAsync(ContainerSpec spec, ImmutableArray<ManagedContainer> existing, CommandLog containerLog, CancellationToken ct)
    {
        var imageId = _imageIds[spec.Image ?? ""]!;
        var settings = SettingsHash(spec, imageId);
        var generations = existing.Where(c => c.Name == spec.Name).ToList();
        var match = generations.Where(c => c.Settings == settings).MaxBy(c => c.Generation);
        if (!spec.Detach)
        {
            // A one-shot that ran to an accepted exit with these settings has done its work (a migration for this image).
            if (match is { HasRun: true } && spec.ExitCodes.Contains(match.ExitCode))
            {
                MarkCurrent(match.Id);
                return ContainerOutcome.Done;
            }

            return await RunOneShotAsync(spec, settings, NextGeneration(generations), containerLog, ct);
        }

        string id;
        if (match is { IsRunning: true })
        {
            id = match.Id;
        }
        else
        {
            if (PodmanArguments.SideBySideConflict(spec) is { } conflict)
            {
                foreach (var old in generations.Where(c => c.IsRunning))
                {
                    containerLog.Note($"stopped {old.PodmanName} before starting its replacement: {conflict}, so two generations cannot run side by side");
                    if (await StopAsync(old, containerLog, ct) is { } failed)
                    {
                        return failed;
                    }
                }
            }

            var (startedId, failure) = match is not null ? await StartAgainAsync(spec, match, containerLog, ct) : await RunNewAsync(spec, settings, NextGeneration(generations), containerLog, ct);
            if (failure is not null)
            {
                return failure;
            }

            id = startedId;
        }

        MarkCurrent(id);
        lock (_gate)
        {
            Running[spec.Name] = id;
        }

        // Only what this run started is checked: a container left running passed its check when it started.
        if (match is not { IsRunning: true } && spec.HealthCheck is { } check && !await HealthyAsync(id, check, ct))
        {
            return ContainerOutcome.Failed(1, $"container '{spec.Name}': its health check did not pass in {check.Retries} tries, {check.Interval.TotalSeconds:0.###} s apart");
        }

        foreach (var old in generations.Where(c => c.IsRunning && c.Id != id))
        {
            if (await StopAsync(old, containerLog, ct) is { } failed)
            {
                return failed;
            }
        }

        return ContainerOutcome.Done;
    }

    /// <summary>Starts a stopped generation with the wanted settings again: a rollback gets back the very container it had.</summary>
    private async Task<(string Id, ContainerOutcome? Failure)> StartAgainAsync(ContainerSpec spec, ManagedContainer match, CommandLog containerLog, CancellationToken ct)
    {
        var started = await podman.StartAsync(match.Id, ct);
        if (!started.Succeeded)
        {
            containerLog.Add(started);
            return ("", ContainerOutcome.Failed(started.ExitCode, $"container '{spec.Name}': podman start of {match.PodmanName} failed (exit {started.ExitCode})"));
        }

        Remember($"stop {match.PodmanName}", token => podman.StopAsync(match.Id, token));
        return (match.Id, null);
    }

    private async Task<(string Id, ContainerOutcome? Failure)> RunNewAsync(ContainerSpec spec, string settings, int generation, CommandLog containerLog, CancellationToken ct)
    {
        var name = PodmanName(context, spec, generation);
        var run = await podman.RunLoggedAsync(PodmanArguments.RunCommand(spec, name, PodmanArguments.Labels(context, spec, settings, generation)), containerLog, ct);
        if (!run.Succeeded)
        {
            await podman.RemoveAsync(name, ct);
            return ("", ContainerOutcome.Failed(run.ExitCode, $"container '{spec.Name}': podman run failed (exit {run.ExitCode})"));
        }

        Remember($"remove {name}", token => podman.RemoveAsync(name, token));
        return (run.StandardOutput.Trim(), null);
    }

    private async Task<ContainerOutcome> RunOneShotAsync(ContainerSpec spec, string settings, int generation, CommandLog containerLog, CancellationToken ct)
    {
        var name = PodmanName(context, spec, generation);
        var run = await podman.RunLoggedAsync(PodmanArguments.RunCommand(spec, name, PodmanArguments.Labels(context, spec, settings, generation)), containerLog, ct);
        if (!spec.ExitCodes.Contains(run.ExitCode))
        {
            // Its output is in deploy_stdout/stderr; the container would only pass for a run that succeeded.
            await podman.RemoveAsync(name, ct);
            return ContainerOutcome.Failed(run.ExitCode, $"container '{spec.Name}' exited with {run.ExitCode}, not one of its exit_codes [{string.Join(", ", spec.ExitCodes)}]");
        }

        Remember($"remove {name}", token => podman.RemoveAsync(name, token));
        MarkCurrent(name);
        return ContainerOutcome.Done;
    }

    private async Task<ContainerOutcome> ExecAsync(ContainerSpec spec, CommandLog containerLog, CancellationToken ct)
    {
        var targetName = spec.ExecTarget ?? "";
        var target = await WaitForTargetAsync(targetName, ct);
        if (target is null)
        {
            return ContainerOutcome.Failed(125, $"exec '{spec.Name}': no running container '{targetName}' after {ExecTargetWait.TotalSeconds:0} s");
        }

        var result = await podman.RunLoggedAsync(PodmanArguments.Exec(spec, target.Id), containerLog, ct);
        return spec.ExitCodes.Contains(result.ExitCode)
            ? ContainerOutcome.Done
            : ContainerOutcome.Failed(result.ExitCode, $"exec '{spec.Name}' in {target.PodmanName} exited with {result.ExitCode}, not one of its exit_codes [{string.Join(", ", spec.ExitCodes)}]");
    }

    /// <summary>The running container the exec names: this deployment's first, else any docker-cmd container of that name.</summary>
    private async Task<ManagedContainer?> WaitForTargetAsync(string name, CancellationToken ct)
    {
        var deadline = timeProvider.GetTimestamp() + (long)(ExecTargetWait.TotalSeconds * timeProvider.TimestampFrequency);
        while (true)
        {
            var own = (await podman.ListAsync(context.DeploymentId, ct)).Where(c => c.Name == name && c.IsRunning).MaxBy(c => c.Generation);
            var found = own ?? (await podman.ListByNameAsync(name, ct)).Where(c => c.IsRunning).MaxBy(c => c.StartedAt);
            if (found is not null || timeProvider.GetTimestamp() >= deadline)
            {
                return found;
            }

            await Task.Delay(ExecTargetPoll, timeProvider, ct);
        }
    }

    /// <summary>Runs the container's health check (podman cannot time it without systemd) until it passes or its retries are spent.</summary>
    private async Task<bool> HealthyAsync(string id, HealthCheck check, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= check.Retries; attempt++)
        {
            var result = await podman.HealthCheckAsync(id, ct);
            if (result.Succeeded)
            {
                return true;
            }

            if (attempt < check.Retries)
            {
                await Task.Delay(check.Interval, timeProvider, ct);
            }
        }

        return false;
    }

    private async Task<ContainerOutcome?> StopAsync(ManagedContainer old, CommandLog containerLog, CancellationToken ct)
    {
        var stopped = await podman.StopAsync(old.Id, ct);
        if (!stopped.Succeeded)
        {
            containerLog.Add(stopped);
            return ContainerOutcome.Failed(stopped.ExitCode, $"container '{old.Name}': podman stop of {old.PodmanName} failed (exit {stopped.ExitCode})");
        }

        Remember($"start {old.PodmanName}", token => podman.StartAsync(old.Id, token));
        lock (_gate)
        {
            _stopped.Add(old.Id);
        }

        return null;
    }

    /// <summary>Undoes this run's steps, newest first; each is tried even when an earlier one failed (a later run converges what is left).</summary>
    private async Task UndoAsync(CancellationToken ct)
    {
        while (_undo.TryPop(out var step))
        {
            try
            {
                await step.Undo(ct);
            }
            catch (Exception e) when (e is PodmanException or Hosts.HostUnreachableException)
            {
                log.Note($"could not {step.What} while undoing the failed run: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Removes the stopped generations beyond the retained number. Known without asking podman again: the retired ones
    /// are those that were stopped before this run or that it stopped, and what this run started is current.
    /// </summary>
    private async Task<ContainerOutcome> PruneAsync(ImmutableArray<ManagedContainer> existing, HashSet<string> names, CancellationToken ct)
    {
        var pruned = existing
            .Where(c => names.Contains(c.Name) && (!c.IsRunning || _stopped.Contains(c.Id)) && !_current.Contains(c.Id) && !_current.Contains(c.PodmanName))
            .GroupBy(c => c.Name)
            .SelectMany(generations => generations.OrderByDescending(c => c.Generation).Skip(retained))
            .ToList();
        return await podman.RemoveAllAsync(pruned, "retired generations", log, ct) ?? ContainerOutcome.Done;
    }

    private void Remember(string what, Func<CancellationToken, Task> undo)
    {
        lock (_gate)
        {
            _undo.Push((what, undo));
        }
    }

    private void MarkCurrent(string container)
    {
        lock (_gate)
        {
            _current.Add(container);
        }
    }

    private static int NextGeneration(List<ManagedContainer> generations) => generations.Count == 0 ? 1 : generations.Max(c => c.Generation) + 1;
}
