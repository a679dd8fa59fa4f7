using System.Diagnostics;
using System.Text.Json;

namespace Hearth.Testing;

/// <summary>
/// Real podman for container tests (a shared fixture per test project): two tiny local images built from Debian's
/// busybox-static with <c>podman import</c> (no registry is reachable), <see cref="Image1"/> and <see cref="Image2"/>,
/// which differ in <c>/www/index.html</c> ("v1", "v2") so a test can change an image. At the end it removes every
/// container that was not there when it started, so no test leaves one behind. Fails (never skips) when podman or
/// busybox-static is missing, naming what to install.
/// </summary>
public sealed class PodmanHost : IDisposable
{
    private static readonly string[] Applets =
        ["sh", "httpd", "sleep", "cat", "echo", "ls", "true", "false", "wget", "env", "test", "kill", "touch", "rm", "nc", "id", "hostname", "printf"];

    /// <summary>The first test image; its tag ends with a hash of what it holds (see <see cref="BuildImage"/>).</summary>
    public static readonly string Image1 = $"localhost/hearth-test:1-{ContentHash()}";

    public static readonly string Image2 = $"localhost/hearth-test:2-{ContentHash()}";

    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(120);

    private readonly HashSet<string> _before;

    public PodmanHost()
    {
        if (!File.Exists("/bin/busybox"))
        {
            throw new InvalidOperationException("container tests need /bin/busybox: apt-get install busybox-static (see .ci/run)");
        }

        var version = TryRun("podman", "--version");
        if (version is not { ExitCode: 0 })
        {
            throw new InvalidOperationException(
                "container tests need podman: apt-get install podman runc fuse-overlayfs slirp4netns uidmap, and runtime = \"runc\" in /etc/containers/containers.conf (see .ci/run)");
        }

        _before = [.. ContainerIds()];
        BuildImage(Image1, "v1");
        BuildImage(Image2, "v2");
    }

    /// <summary>Runs podman with <paramref name="arguments"/> and returns how it ended.</summary>
    public static CommandOutput Podman(params string[] arguments) =>
        TryRun("podman", arguments) ?? throw new InvalidOperationException("podman could not be started");

    /// <summary>Runs podman and fails the test unless it exits 0; returns its stdout, trimmed.</summary>
    public static string PodmanOk(params string[] arguments)
    {
        var result = Podman(arguments);
        return result.ExitCode == 0
            ? result.Stdout.Trim()
            : throw new InvalidOperationException($"podman {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}");
    }

    /// <summary>The containers (running or not) with a label, as <c>podman ps --format json</c> shows them.</summary>
    public static IReadOnlyList<ContainerView> Containers(string label)
    {
        using var document = JsonDocument.Parse(PodmanOk("ps", "--all", "--format", "json", "--filter", $"label={label}") is { Length: > 0 } json ? json : "[]");
        return [.. document.RootElement.EnumerateArray().Select(PodmanJson.Container)];
    }

    /// <summary>
    /// The containers with a label in <paramref name="user"/>'s own podman (rootless: their containers and images are
    /// theirs alone), run as that user from a clean environment as a login over SSH has it.
    /// </summary>
    public static IReadOnlyList<ContainerView> ContainersOf(string user, string home, string label)
    {
        string[] arguments = ["-u", user, "--", "env", "-i", $"HOME={home}", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "podman", "ps", "--all", "--format", "json", "--filter", $"label={label}"];
        var result = TryRun("runuser", arguments) ?? throw new InvalidOperationException("runuser could not be started");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman ps as {user} exited {result.ExitCode}: {result.Stderr}");
        }

        using var document = JsonDocument.Parse(result.Stdout is { Length: > 0 } json ? json : "[]");
        return [.. document.RootElement.EnumerateArray().Select(PodmanJson.Container)];
    }

    public void Dispose()
    {
        var made = ContainerIds().Where(id => !_before.Contains(id)).ToArray();
        if (made.Length > 0)
        {
            Podman(["rm", "--force", "--time", "0", .. made]);
        }
    }

    private static IEnumerable<string> ContainerIds() =>
        PodmanOk("ps", "--all", "--format", "{{.ID}}", "--no-trunc").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Imports the image unless its tag is there already: the tag names the content, and importing again would give it a
    /// new image id. Test processes share the host's podman (test projects run in parallel, other checkouts on the
    /// machine too): a container another process made from the old id would then look changed to Hearth, whose settings
    /// hash covers the image id, and a rollback would start a new container instead of the old one.
    /// </summary>
    private static void BuildImage(string tag, string page)
    {
        if (Podman("image", "exists", tag).ExitCode == 0)
        {
            return;
        }

        using var folder = new TempDirectory("hearth-image-");
        var root = folder.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
        foreach (var applet in Applets)
        {
            File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
        }

        folder.File("rootfs/www/index.html", page);
        var tar = folder.Combine("rootfs.tar");
        var packed = TryRun("tar", "-C", root, "-cf", tar, ".");
        if (packed is not { ExitCode: 0 })
        {
            throw new InvalidOperationException($"tar of the test image failed: {packed?.Stderr}");
        }

        PodmanOk("import", "--quiet", "--change", "ENV=PATH=/bin", tar, tag);
    }

    /// <summary>What the images hold besides their page: busybox itself (when installed) and its applets, as a tag suffix.</summary>
    private static string ContentHash()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        if (File.Exists("/bin/busybox"))
        {
            sha.AppendData(File.ReadAllBytes("/bin/busybox"));
        }

        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join(' ', Applets)));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    private static CommandOutput? TryRun(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandLimit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} took more than {CommandLimit.TotalSeconds:0} s");
            }

            return new CommandOutput(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>How a command ended.</summary>
public sealed record CommandOutput(int ExitCode, string Stdout, string Stderr);

/// <summary>A container as podman lists it: what tests assert on.</summary>
public sealed record ContainerView(string Id, string Name, string State, long StartedAt, IReadOnlyDictionary<string, string> Labels)
{
    public bool IsRunning => State == "running";
}

/// <summary>Reads podman's JSON (its field names, not ours).</summary>
internal static class PodmanJson
{
    public static ContainerView Container(JsonElement item) => new(
        item.GetProperty("Id").GetString() ?? "",
        item.GetProperty("Names")[0].GetString() ?? "",
        item.GetProperty("State").GetString() ?? "",
        item.GetProperty("StartedAt").GetInt64(),
        item.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object
            ? labels.EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal));
}
