using System.Collections.Immutable;
using System.Globalization;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Schema.DockerCmd;

/// <summary>
/// Reads the config of the <c>docker-cmd</c> group: a map of container name → settings, Heat's keys
/// (hook-docker-cmd.py) plus paunch's. The same reading serves template validation (problems become positioned
/// diagnostics) and the hook at run time (problems fail the deployment), so both refuse exactly the same configs.
/// </summary>
public static class DockerCmdConfig
{
    public const string Group = "docker-cmd";
    public const string RunAction = "run";
    public const string ExecAction = "exec";

    /// <summary>Every key a container may have, in the order messages list them.</summary>
    public static ImmutableArray<string> Keys { get; } =
    [
        "image", "command", "action", "detach", "start_order", "exit_codes", "environment", "env_file", "net", "pid",
        "user", "restart", "privileged", "volumes", "volumes_from", "healthcheck", "stop_signal", "stop_grace_period",
        "cap_add", "cap_drop", "hostname", "ulimit", "ports",
    ];

    public static ImmutableArray<string> HealthCheckKeys { get; } = ["test", "interval", "timeout", "retries"];

    /// <summary>Reads a config given as YAML (or JSON) text, as SoftwareConfig holds it.</summary>
    public static DockerCmdReading Read(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new DockerCmdReading([], [], null);
        }

        var (root, diagnostics) = YamlLoader.Load("config", text);
        if (root is null || diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
        {
            var first = diagnostics.FirstOrDefault(d => d.Level == DiagnosticLevel.Error);
            var problem = new DockerCmdProblem([], DiagnosticCodes.DockerCmdInvalid,
                $"the docker-cmd config is not valid YAML{(first is null ? "" : $" (line {first.Span.Line}: {first.Message})")}");
            return new DockerCmdReading([], [problem], root);
        }

        // The parsed document is read as a value, never parsed again: a document that is one string ("a: b" quoted)
        // would otherwise be read as text forever.
        return ReadValue(root.ToValue()) with { Syntax = root };
    }

    /// <summary>Reads a config given as a value (StructuredConfig's map, or text).</summary>
    public static DockerCmdReading Read(object? config)
    {
        return config is string text ? Read(text) : ReadValue(config);
    }

    private static DockerCmdReading ReadValue(object? config)
    {
        var problems = new List<DockerCmdProblem>();
        if (config is null)
        {
            return new DockerCmdReading([], [], null);
        }

        if (config is not IReadOnlyDictionary<string, object?> containers)
        {
            problems.Add(new([], DiagnosticCodes.DockerCmdInvalid, $"a docker-cmd config is a map of container name to settings, not a {Value.TypeName(config)}"));
            return new DockerCmdReading([], [.. problems], null);
        }

        var specs = ImmutableArray.CreateBuilder<ContainerSpec>();
        foreach (var (name, settings) in containers)
        {
            if (ReadContainer(name, settings, problems) is { } spec)
            {
                specs.Add(spec);
            }
        }

        // Heat sorts by start_order alone (Python's sort is stable, so ties keep the config's order).
        var ordered = specs.OrderBy(s => s.StartOrder).ToImmutableArray();
        return new DockerCmdReading(ordered, [.. problems], null);
    }

    private static ContainerSpec? ReadContainer(string name, object? settings, List<DockerCmdProblem> problems)
    {
        var reader = new SettingsReader(name, problems);
        if (settings is not IReadOnlyDictionary<string, object?> map)
        {
            reader.Problem([], DiagnosticCodes.DockerCmdInvalid, $"the settings of container '{name}' must be a map, not a {Value.TypeName(settings)}");
            return null;
        }

        if (!IsContainerName(name))
        {
            reader.Problem([], DiagnosticCodes.DockerCmdInvalid,
                $"'{name}' is not a container name podman accepts (letters, digits, '_', '.', '-'; a letter or digit first)");
        }

        foreach (var key in map.Keys.Where(k => !Keys.Contains(k)))
        {
            var hint = PropertyValidator.Suggest(key, Keys) is { } s ? $" (did you mean '{s}'?)" : "";
            reader.Problem([key], DiagnosticCodes.DockerCmdUnknownKey,
                $"container '{name}' has the unknown key '{key}'{hint}; docker-cmd knows {string.Join(", ", Keys)}");
        }

        var action = reader.String(map, "action") ?? RunAction;
        if (action is not (RunAction or ExecAction))
        {
            reader.Problem(["action"], DiagnosticCodes.DockerCmdInvalid, $"the action of container '{name}' must be run or exec, not '{action}'");
        }

        var image = reader.String(map, "image");
        var command = reader.Command(map);
        if (action == RunAction && string.IsNullOrEmpty(image))
        {
            reader.Problem([], DiagnosticCodes.DockerCmdInvalid, $"container '{name}' runs (action run) but has no image");
        }

        if (action == ExecAction && command.IsEmpty)
        {
            reader.Problem([], DiagnosticCodes.DockerCmdInvalid, $"container '{name}' is an exec but has no command: its first item names the container to run it in");
        }

        var exitCodes = reader.Integers(map, "exit_codes");
        return new ContainerSpec(
            name,
            action,
            image,
            command,
            reader.Boolean(map, "detach") ?? true,
            reader.Integer(map, "start_order") ?? 0,
            map.ContainsKey("exit_codes") ? exitCodes : [0],
            reader.Environment(map),
            reader.Strings(map, "env_file"),
            reader.String(map, "net"),
            reader.String(map, "pid"),
            reader.String(map, "user"),
            reader.String(map, "restart"),
            reader.Boolean(map, "privileged"),
            reader.Strings(map, "volumes"),
            reader.Strings(map, "volumes_from"),
            reader.HealthCheck(map),
            reader.String(map, "stop_signal"),
            reader.Seconds(map, ["stop_grace_period"]) is { } grace ? (long)grace.TotalSeconds : null,
            reader.Strings(map, "cap_add"),
            reader.Strings(map, "cap_drop"),
            reader.String(map, "hostname"),
            reader.Strings(map, "ulimit"),
            reader.Strings(map, "ports"));
    }

    private static bool IsContainerName(string name) =>
        name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>Reads one container's settings, reporting each problem at its key path.</summary>
    private sealed class SettingsReader(string name, List<DockerCmdProblem> problems)
    {
        public void Problem(IReadOnlyList<object> path, string code, string message) => problems.Add(new([name, .. path], code, message));

        public string? String(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
        {
            null => null,
            string s => s,
            long or double or bool => Value.ToPythonString(map[key]),
            var other => Wrong<string?>(null, key, "a string", other),
        };

        public bool? Boolean(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
        {
            null => null,
            bool b => b,
            "true" or "True" => true,
            "false" or "False" => false,
            var other => Wrong<bool?>(null, key, "true or false", other),
        };

        public long? Integer(IReadOnlyDictionary<string, object?> map, string key) => map.GetValueOrDefault(key) switch
        {
            null => null,
            long n => n,
            string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            var other => Wrong<long?>(null, key, "an integer", other),
        };

        public ImmutableArray<long> Integers(IReadOnlyDictionary<string, object?> map, string key)
        {
            if (map.GetValueOrDefault(key) is not IReadOnlyList<object?> list)
            {
                return map.GetValueOrDefault(key) is null ? [] : Wrong<ImmutableArray<long>>([], key, "a list of integers", map[key]);
            }

            var result = ImmutableArray.CreateBuilder<long>();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is long n)
                {
                    result.Add(n);
                }
                else
                {
                    Problem([key, i], DiagnosticCodes.DockerCmdInvalid, $"'{key}' of container '{name}' lists integers, not {Value.ToPythonRepr(list[i])}");
                }
            }

            return result.ToImmutable();
        }

        /// <summary>A list of strings, or one string (Heat accepts both for env_file; paunch for the others).</summary>
        public ImmutableArray<string> Strings(IReadOnlyDictionary<string, object?> map, string key)
        {
            switch (map.GetValueOrDefault(key))
            {
                case null:
                    return [];
                case string s:
                    return s.Length == 0 ? [] : [s];
                case IReadOnlyList<object?> list:
                    var result = ImmutableArray.CreateBuilder<string>();
                    for (var i = 0; i < list.Count; i++)
                    {
                        switch (list[i])
                        {
                            case null or "":
                                break; // Heat skips empty items.
                            case string or long or double or bool:
                                result.Add(Value.ToPythonString(list[i]));
                                break;
                            default:
                                Problem([key, i], DiagnosticCodes.DockerCmdInvalid, $"'{key}' of container '{name}' lists strings, not a {Value.TypeName(list[i])}");
                                break;
                        }
                    }

                    return result.ToImmutable();
                case var other:
                    return Wrong<ImmutableArray<string>>([], key, "a list of strings", other);
            }
        }

        /// <summary>A list, or a string split on whitespace (Heat's command_argument).</summary>
        public ImmutableArray<string> Command(IReadOnlyDictionary<string, object?> map) => map.GetValueOrDefault("command") switch
        {
            string s => [.. s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)],
            _ => Strings(map, "command"),
        };

        /// <summary>A list of <c>K=V</c>, or a map (paunch) made into that list in its order.</summary>
        public ImmutableArray<string> Environment(IReadOnlyDictionary<string, object?> map) => map.GetValueOrDefault("environment") switch
        {
            IReadOnlyDictionary<string, object?> variables =>
                [.. variables.Select(kv => $"{kv.Key}={(kv.Value is null ? "" : Value.ToPythonString(kv.Value))}")],
            _ => Strings(map, "environment"),
        };

        public HealthCheck? HealthCheck(IReadOnlyDictionary<string, object?> map)
        {
            switch (map.GetValueOrDefault("healthcheck"))
            {
                case null:
                    return null;
                case IReadOnlyDictionary<string, object?> check:
                    foreach (var key in check.Keys.Where(k => !HealthCheckKeys.Contains(k)))
                    {
                        Problem(["healthcheck", key], DiagnosticCodes.DockerCmdUnknownKey,
                            $"the healthcheck of container '{name}' has the unknown key '{key}'; it knows {string.Join(", ", HealthCheckKeys)}");
                    }

                    var test = check.GetValueOrDefault("test") switch
                    {
                        string s when s.Length > 0 => s,
                        IReadOnlyList<object?> { Count: 2 } pair when pair[0] is "CMD-SHELL" && pair[1] is string line => line,
                        IReadOnlyList<object?> list when list.Count > 0 && list.All(i => i is string) => Value.ToPythonJson(list, sortKeys: false),
                        _ => null,
                    };
                    if (test is null)
                    {
                        Problem(["healthcheck"], DiagnosticCodes.DockerCmdInvalid,
                            $"the healthcheck of container '{name}' needs a 'test': a command line, or a list such as [CMD, prog, arg] or [CMD-SHELL, line]");
                        return null;
                    }

                    var retries = check.GetValueOrDefault("retries") switch
                    {
                        null => 3,
                        long n and > 0 and <= 10000 => (int)n,
                        var other => Wrong(3, "healthcheck", "retries as a positive integer", other, ["healthcheck", "retries"]),
                    };
                    return new HealthCheck(
                        test,
                        Seconds(check, ["healthcheck", "interval"]) ?? TimeSpan.FromSeconds(1),
                        Seconds(check, ["healthcheck", "timeout"]) ?? TimeSpan.FromSeconds(30),
                        retries);
                case var other:
                    return Wrong<HealthCheck?>(null, "healthcheck", "a map with test, interval, timeout, retries", other);
            }
        }

        /// <summary>Seconds as a number, or a duration such as <c>30s</c>, <c>500ms</c> or <c>2m</c> (docker's forms).</summary>
        public TimeSpan? Seconds(IReadOnlyDictionary<string, object?> map, IReadOnlyList<object> path)
        {
            var key = (string)path[^1];
            var value = map.GetValueOrDefault(key);
            TimeSpan? parsed = value switch
            {
                null => null,
                long n when n >= 0 => TimeSpan.FromSeconds(n),
                double d when d >= 0 => TimeSpan.FromSeconds(d),
                string s when s.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(s[..^2], CultureInfo.InvariantCulture, out var ms) && ms >= 0 => TimeSpan.FromMilliseconds(ms),
                string s when s.EndsWith('s') && double.TryParse(s[..^1], CultureInfo.InvariantCulture, out var sec) && sec >= 0 => TimeSpan.FromSeconds(sec),
                string s when s.EndsWith('m') && double.TryParse(s[..^1], CultureInfo.InvariantCulture, out var min) && min >= 0 => TimeSpan.FromMinutes(min),
                string s when double.TryParse(s, CultureInfo.InvariantCulture, out var plain) && plain >= 0 => TimeSpan.FromSeconds(plain),
                _ => TimeSpan.MinValue,
            };
            if (parsed == TimeSpan.MinValue)
            {
                Problem(path, DiagnosticCodes.DockerCmdInvalid, $"'{string.Join(".", path)}' of container '{name}' must be seconds or a duration such as 30s, 500ms, 2m; not {Value.ToPythonRepr(value)}");
                return null;
            }

            return parsed;
        }

        /// <summary>Reports a value of the wrong kind and gives what to read instead.</summary>
        private T Wrong<T>(T fallback, string key, string expected, object? actual, IReadOnlyList<object>? path = null)
        {
            Problem(path ?? [key], DiagnosticCodes.DockerCmdInvalid, $"'{key}' of container '{name}' must be {expected}, not {Value.ToPythonRepr(actual)}");
            return fallback;
        }
    }
}

/// <summary>What <see cref="DockerCmdConfig.Read(object?)"/> found: the containers in start order, and every problem.</summary>
/// <param name="Syntax">The parsed text (spans relative to the text), when the config was text.</param>
public sealed record DockerCmdReading(ImmutableArray<ContainerSpec> Containers, ImmutableArray<DockerCmdProblem> Problems, SyntaxNode? Syntax)
{
    public bool IsValid => Problems.IsEmpty;
}

/// <summary>A problem at a path of keys and list indexes from the config's root (the container name first).</summary>
public sealed record DockerCmdProblem(IReadOnlyList<object> Path, string Code, string Message);
