using System.Diagnostics;
using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>
/// The real OpenStack client (Debian's python3-openstackclient + python3-heatclient), pointed at a server the way
/// TripleO pointed it at its ephemeral Heat: <c>--os-auth-type admin_token --os-token T --os-endpoint URL/v1/admin</c>.
/// </summary>
internal sealed class OpenStackClient(string endpoint, string token)
{
    private const string Program = "/usr/bin/openstack";

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>The JSON document of <c>-f json</c>; <c>--wait</c> prints the events it saw before it, a line each.</summary>
        public JsonElement Json()
        {
            var lines = Out.Split('\n');
            var start = Array.FindIndex(lines, l => l.StartsWith('{') || l.StartsWith('['));
            start.ShouldBeGreaterThanOrEqualTo(0, $"no JSON in {this}");
            return JsonDocument.Parse(string.Join('\n', lines[start..])).RootElement.Clone();
        }

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        if (!File.Exists(Program))
        {
            throw new InvalidOperationException($"{Program} is missing: apt-get install -y python3-openstackclient python3-heatclient (.ci/run does)");
        }

        var info = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--os-auth-type", "admin_token", "--os-token", token, "--os-endpoint", endpoint }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        // The client reads OS_* variables too: only the arguments above may decide where it goes.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start openstack");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
