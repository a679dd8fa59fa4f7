using System.Net.Sockets;
using System.Text.Json;
using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.Deployments;

/// <summary>
/// A stack of script deployments run through the in-process <c>hearth</c> command: the scripts are real processes.
/// <c>@DIR@</c> in the template is the test's folder, where scripts leave logs and markers. Disposing deletes the
/// stack and then kills whatever a script left running (pid files under the state folder).
/// </summary>
internal sealed class DeploymentStack : IAsyncDisposable
{
    public const string Name = "s";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly CliStack _stack;

    public DeploymentStack(string template)
    {
        _stack = new CliStack("");
        Folder = Path.GetDirectoryName(_stack.TemplatePath) ?? throw new InvalidOperationException("no folder");
        TemplatePath = File("stack.yaml", template);
    }

    private DeploymentStack(CliStack stack, string templatePath)
    {
        _stack = stack;
        Folder = Path.GetDirectoryName(_stack.TemplatePath) ?? throw new InvalidOperationException("no folder");
        TemplatePath = templatePath;
    }

    /// <summary>A stack of a template file that stays where it is (its get_file paths are relative to it).</summary>
    public static DeploymentStack OfFile(string templatePath) => new(new CliStack(""), templatePath);

    public string Folder { get; }

    public string State => _stack.State;

    public string TemplatePath { get; }

    /// <summary>Writes a file in the test's folder, with <c>@DIR@</c> replaced by the folder.</summary>
    public string File(string name, string content) => _stack.File(name, content.Replace("@DIR@", Folder, StringComparison.Ordinal));

    public Task<CliResult> RunAsync(params string[] args) => _stack.RunAsync(args);

    public async Task<CliResult> CreateAsync(params string[] extra)
    {
        var result = await RunAsync(["stack", "create", Name, "-t", TemplatePath, .. extra]);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    /// <summary><c>stack update s --existing --parameter K=V…</c>.</summary>
    public Task<CliResult> UpdateAsync(params string[] parameters) =>
        RunAsync(["stack", "update", Name, "--existing", .. parameters.SelectMany(p => new[] { "--parameter", p })]);

    public async Task<string> StatusAsync()
    {
        var result = await RunAsync("stack", "show", Name, "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).GetProperty("stack_status").GetString() ?? "";
    }

    public async Task<Dictionary<string, string?>> OutputsAsync()
    {
        var result = await RunAsync("stack", "output", "show", Name, "--all", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result).EnumerateArray().ToDictionary(
            o => o.GetProperty("output_key").GetString() ?? "",
            o => o.GetProperty("output_value").ValueKind == JsonValueKind.Null ? null : o.GetProperty("output_value").ToString());
    }

    public async Task<string?> OutputAsync(string name) => (await OutputsAsync())[name];

    public async Task<JsonElement> ResourceAsync(string name)
    {
        var result = await RunAsync("stack", "resource", "show", Name, name, "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return CliStack.Json(result);
    }

    /// <summary>The stack's events in sequence order.</summary>
    public async Task<List<StackEvent>> EventsAsync()
    {
        var result = await RunAsync("stack", "event", "list", Name, "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        return [.. CliStack.Json(result).EnumerateArray()
            .Select(e => new StackEvent(
                e.GetProperty("sequence").GetInt64(),
                e.GetProperty("resource_name").GetString() ?? "",
                e.GetProperty("resource_status").GetString() ?? "",
                e.GetProperty("physical_resource_id").GetString()))
            .OrderBy(e => e.Sequence)];
    }

    /// <summary>The lines of a log the scripts append to (none when no script wrote it).</summary>
    public string[] Lines(string name)
    {
        var path = Path.Combine(Folder, name);
        return System.IO.File.Exists(path) ? System.IO.File.ReadAllLines(path) : [];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(State))
            {
                await RunAsync("stack", "delete", Name, "--yes");
            }
        }
        finally
        {
            KillLeftovers(State);
            _stack.Dispose();
        }
    }

    /// <summary>Kills the processes whose pid files a script left under the state folder (the example's servers).</summary>
    public static void KillLeftovers(string state)
    {
        var deployments = Path.Combine(state, "deployments");
        if (Directory.Exists(deployments))
        {
            ProcessTable.Kill(Directory.EnumerateFiles(deployments, "*.pid", SearchOption.AllDirectories)
                .Select(file => (File: file, Pid: int.TryParse(System.IO.File.ReadAllText(file).Trim(), out var pid) ? pid : 0))
                .Where(p => p.Pid > 0 && IsAlive(p.Pid, p.File))
                .Select(p => p.Pid));
        }
    }

    /// <summary>Whether the process of a pid file still runs: not a zombie, and started from that file's folder.</summary>
    private static bool IsAlive(int pid, string pidFile) =>
        ProcessTable.Stat(pid) is { IsZombie: false } && ProcessTable.WorkingDirectory(pid) == Path.GetDirectoryName(pidFile);

    /// <summary>The pids of live processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker) => ProcessTable.WithMarker(marker);

    /// <summary>Polls until <paramref name="condition"/> holds or the bounded wait ends; returns whether it held.</summary>
    public static Task<bool> EventuallyAsync(Func<bool> condition) => Poll.UntilAsync(condition, WaitLimit);

    /// <summary>Whether connecting to <c>host:port</c> is refused (nothing listens there).</summary>
    public static bool Refuses(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        using var client = new TcpClient();
        try
        {
            client.Connect(hostAndPort[..colon], int.Parse(hostAndPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }
}

/// <summary>One line of <c>stack event list -f json</c>.</summary>
internal sealed record StackEvent(long Sequence, string Resource, string Status, string? PhysicalId);
