using System.Text.Json;
using Hearth.Templates.Values;

namespace Hearth.Execution;

/// <summary>The config groups Hearth runs, and how a <c>component</c> config picks its entry for an action.</summary>
public static class ConfigGroups
{
    /// <summary>The heat-config script contract.</summary>
    public const string Script = "script";

    /// <summary>Same as <see cref="Script"/>.</summary>
    public const string Ungrouped = "ungrouped";

    /// <summary>Heat's default group for a SoftwareConfig; same as <see cref="Script"/>.</summary>
    public const string HeatUngrouped = "Heat::Ungrouped";

    /// <summary>A SoftwareComponent: one entry per set of actions, each naming the group (<c>tool</c>) that runs it.</summary>
    public const string Component = "component";

    /// <summary>Containers run with podman (heat-agents' docker-cmd hook); see <see cref="Containers.DockerCmdHook"/>.</summary>
    public const string DockerCmd = Hearth.Templates.Schema.DockerCmd.DockerCmdConfig.Group;

    /// <summary>Every group the transports accept today, in the order error messages list them.</summary>
    public static IReadOnlyList<string> Supported { get; } = [Script, Ungrouped, HeatUngrouped, Component, DockerCmd];

    public static bool IsScript(string group) => group is Script or Ungrouped or HeatUngrouped;

    /// <summary>A group a transport runs: a script group, or one with a hook (<see cref="ConfigHooks"/>).</summary>
    public static bool IsRunnable(string group) => IsScript(group) || group == DockerCmd;

    /// <summary>
    /// Resolves what to run for <paramref name="action"/>: a plain group runs its config as is; a component runs the
    /// first entry whose <c>actions</c> contain the action (default CREATE and UPDATE), with group = its <c>tool</c>
    /// and config = its <c>config</c>; no matching entry → skipped; an unknown group → failed, naming the supported ones.
    /// </summary>
    public static ConfigSelection Select(string group, string config, string action)
    {
        if (IsRunnable(group))
        {
            return new ConfigSelection.Run(group, config);
        }

        if (group != Component)
        {
            return Unsupported($"Config group '{group}' is not supported");
        }

        object? document;
        try
        {
            document = ValueJson.Deserialize(config);
        }
        catch (JsonException e)
        {
            return new ConfigSelection.NotRun(DeploymentStatus.Failed, $"The component config is not valid JSON: {e.Message}");
        }

        if (document is not IReadOnlyDictionary<string, object?> map
            || !map.TryGetValue("configs", out var configsValue)
            || configsValue is not IReadOnlyList<object?> configs)
        {
            return new ConfigSelection.NotRun(DeploymentStatus.Failed, "The component config has no 'configs' list");
        }

        foreach (var item in configs)
        {
            if (item is not IReadOnlyDictionary<string, object?> entry)
            {
                return new ConfigSelection.NotRun(DeploymentStatus.Failed, "A component 'configs' entry is not a map");
            }

            var actions = entry.TryGetValue("actions", out var actionsValue) && actionsValue is IReadOnlyList<object?> list
                ? list.Select(a => a as string)
                : DeploymentActions.ComponentDefault;
            if (!actions.Contains(action, StringComparer.Ordinal))
            {
                continue;
            }

            var tool = entry.TryGetValue("tool", out var toolValue) ? toolValue as string : null;
            var text = entry.TryGetValue("config", out var configValue) ? configValue switch
            {
                null => "",
                string s => s,
                _ => ValueJson.Serialize(configValue),
            } : "";
            if (tool is null || !IsRunnable(tool))
            {
                return Unsupported($"Config group '{tool ?? "(none)"}' (the tool of the component entry for {action}) is not supported");
            }

            return new ConfigSelection.Run(tool, text);
        }

        return new ConfigSelection.NotRun(DeploymentStatus.Skipped, $"The component has no config for action {action}");
    }

    private static ConfigSelection.NotRun Unsupported(string what) =>
        new(DeploymentStatus.Failed, $"{what}; supported groups: {string.Join(", ", Supported)}");
}

/// <summary>The outcome of <see cref="ConfigGroups.Select"/>.</summary>
public abstract record ConfigSelection
{
    private ConfigSelection()
    {
    }

    /// <summary>Run <paramref name="Config"/> with the hook of <paramref name="Group"/> (never <c>component</c>).</summary>
    public sealed record Run(string Group, string Config) : ConfigSelection;

    /// <summary>Run nothing; the deployment ends with this status and reason.</summary>
    public sealed record NotRun(DeploymentStatus Status, string Reason) : ConfigSelection;
}
