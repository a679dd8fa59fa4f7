using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit;
using System.Net.Sockets;

namespace Hearth.Testing.Sshd;

/// <summary>
/// Several real sshd servers (Debian's openssh-server), one per loopback address 127.0.0.2 … on one high port, each
/// with a host key and pid file of its own, all letting <see cref="User"/> in with a client key made for this run.
/// A shared xunit fixture: started once per test project, stopped (with every session it served) at the end.
/// </summary>
/// <remarks>Needs root (it creates the test user and starts sshd) and openssh-server; it fails saying so otherwise.</remarks>
public class SshHosts : IAsyncLifetime
{
    /// <summary>The account tests log in as; its scripts run as this user on every host.</summary>
    public const string User = "hearth-ssh";

    private const string Sshd = "/usr/sbin/sshd";

    private readonly TempDirectory _folder = new("hearth-sshd-");
    private readonly List<SshHost> _hosts = [];

    /// <summary>How many hosts to start; a derived fixture may want more.</summary>
    protected virtual int Count => 3;

    public IReadOnlyList<SshHost> Hosts => _hosts;

    /// <summary>The client's private key (0600), authorised on every host.</summary>
    public string KeyFile => _folder.Combine("client_key");

    /// <summary>The folder this fixture keeps its keys, configs and logs in.</summary>
    public string Folder => _folder.Path;

    /// <summary>The test user's home, where the SSH transport keeps its deployments on every host (they share this machine).</summary>
    public string UserHome { get; private set; } = "";

    /// <summary>
    /// A new client key, authorised on every host with a login that prints <paramref name="banner"/> to stdout (or
    /// stderr) before it runs the command, as a ~/.bashrc that echoes would (<paramref name="banner"/> has no quote).
    /// </summary>
    public Task<string> ChattyKeyFileAsync(string banner, bool onStderr = false) =>
        KeyFileLoggingInToAsync($"echo '{banner}'{(onStderr ? " >&2" : "")}; eval \\\"$SSH_ORIGINAL_COMMAND\\\"");

    /// <summary>
    /// A new client key, authorised on every host with <paramref name="command"/> run instead of what the client asks
    /// (its text as in authorized_keys' <c>command="…"</c>: a '"' escaped).
    /// </summary>
    public async Task<string> KeyFileLoggingInToAsync(string command)
    {
        var key = _folder.Combine("forced_" + Guid.NewGuid().ToString("N")[..8]);
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hearth-test-forced", "-f", key]);
        await File.AppendAllTextAsync(_folder.Combine("authorized_keys"), $"command=\"{command}\" " + await File.ReadAllTextAsync(key + ".pub"));
        return key;
    }

    /// <summary>A new folder the hosts' scripts (the test user) can write in, for logs and markers a test reads; gone with the fixture.</summary>
    public string SharedFolder()
    {
        var path = Path.Combine(_folder.Path, "shared-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
        }

        return path;
    }

    public async Task InitializeAsync()
    {
        RequireTools();
        Directory.CreateDirectory("/run/sshd");
        UserHome = await EnsureUserAsync();
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hearth-test-client", "-f", KeyFile]);
        File.Copy(KeyFile + ".pub", _folder.Combine("authorized_keys"));
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("sshd test hosts need Linux");
        }

        // Readable by the test user too: scripts on the hosts may read what the fixture keeps (the public host keys).
        File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var port = FreePort(Count);
        for (var i = 0; i < Count; i++)
        {
            var address = $"127.0.0.{(i + 2).ToString(CultureInfo.InvariantCulture)}";
            _hosts.Add(await StartAsync(address, port, $"host{(i + 1).ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
        }

        // What the tests' scripts left running as the test user (all started by these tests) goes with the servers.
        await KillUserProcessesAsync();
        _folder.Dispose();
    }

    /// <summary>
    /// Runs the shell script in <paramref name="scriptFile"/> on <paramref name="host"/> as <see cref="User"/> with
    /// OpenSSH's client, the host key checked, as an operator would (<c>ssh USER@HOST sh -s &lt; SCRIPT</c>); fails
    /// with its output unless it exits 0.
    /// </summary>
    public async Task<string> RunScriptAsync(SshHost host, string scriptFile)
    {
        var knownHosts = _folder.File($"known_hosts-{host.Name}", $"[{host.Address}]:{host.Port.ToString(CultureInfo.InvariantCulture)} {host.HostKey}\n");
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (string[])["-i", KeyFile, "-p", host.Port.ToString(CultureInfo.InvariantCulture), "-o", "BatchMode=yes",
            "-o", $"UserKnownHostsFile={knownHosts}", "-o", "StrictHostKeyChecking=yes", $"{User}@{host.Address}", "sh", "-s"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ssh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(scriptFile));
        process.StandardInput.Close();
        await process.WaitForExitAsync().Within();
        var output = await stdout + await stderr;
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{scriptFile} on {host.Name} exited with {process.ExitCode}: {output}");
    }

    /// <summary>
    /// Starts one more sshd, in a network namespace of its own reached through a veth pair (10.250.N.2 from here), that
    /// a test can cut off the network and bring back. The caller disposes it.
    /// </summary>
    /// <remarks>Needs iproute2 and the right to make namespaces (root).</remarks>
    public async Task<NamespacedSshHost> StartInNamespaceAsync()
    {
        var id = Random.Shared.Next(1, 250);
        var name = $"hearth-ssh-{id.ToString(CultureInfo.InvariantCulture)}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        var outside = $"hs{id.ToString(CultureInfo.InvariantCulture)}h{(Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture)}";
        var inside = $"hs{id.ToString(CultureInfo.InvariantCulture)}n{(Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture)}";
        var subnet = $"10.250.{id.ToString(CultureInfo.InvariantCulture)}";
        var host = new NamespacedSshHost(name, outside);
        try
        {
            await RunAsync("ip", ["netns", "add", name]);
            await RunAsync("ip", ["link", "add", outside, "type", "veth", "peer", "name", inside]);
            await RunAsync("ip", ["link", "set", inside, "netns", name]);
            await RunAsync("ip", ["addr", "add", $"{subnet}.1/30", "dev", outside]);
            await RunAsync("ip", ["link", "set", outside, "up"]);
            await RunAsync("ip", ["netns", "exec", name, "ip", "addr", "add", $"{subnet}.2/30", "dev", inside]);
            await RunAsync("ip", ["netns", "exec", name, "ip", "link", "set", inside, "up"]);
            await RunAsync("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
            host.Host = await StartAsync($"{subnet}.2", FreePort(0), name, ["ip", "netns", "exec", name]);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one sshd listening on <paramref name="address"/>:<paramref name="port"/>, run by <paramref name="prefix"/> (e.g. <c>ip netns exec NS</c>) when given.</summary>
    protected async Task<SshHost> StartAsync(string address, int port, string name, IReadOnlyList<string>? prefix = null)
    {
        var hostKey = _folder.Combine($"{name}_host_key");
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", hostKey]);
        var config = _folder.File($"{name}.sshd_config", string.Join('\n',
            $"ListenAddress {address}",
            $"Port {port.ToString(CultureInfo.InvariantCulture)}",
            $"HostKey {hostKey}",
            $"PidFile {_folder.Combine(name + ".pid")}",
            $"AuthorizedKeysFile {_folder.Combine("authorized_keys")}",
            $"AllowUsers {User}",
            "UsePAM no",
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            // Many deployments at once share one connection per host, one channel each; and many hosts connect at once.
            "MaxSessions 64",
            "MaxStartups 200:30:400",
            "ClientAliveInterval 0",
            "LogLevel VERBOSE",
            ""));
        var log = _folder.Combine(name + ".log");
        List<string> command = [.. prefix ?? [], Sshd, "-f", config, "-E", log];
        await RunAsync(command[0], [.. command.Skip(1)]);
        var publicKey = (await File.ReadAllTextAsync(hostKey + ".pub")).Split(' ');
        var host = new SshHost(name, address, port, $"{publicKey[0]} {publicKey[1]}", _folder.Combine(name + ".pid"), log);
        if (!await Poll.UntilAsync(() => Accepts(address, port), TestTimeouts.Default))
        {
            throw new InvalidOperationException($"sshd on {address}:{port} did not start listening; its log:\n{ReadLog(log)}");
        }

        return host;
    }

    internal static bool Accepts(string address, int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static string ReadLog(string log) => File.Exists(log) ? File.ReadAllText(log) : "(no log)";

    private static void RequireTools()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"these tests need a real sshd ({Sshd}): apt-get install -y openssh-server");
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("these tests start sshd and create the test user: run them as root (CI does)");
        }
    }

    /// <summary>The test user, created once per machine; '*' as password unlocks key logins (a new account is locked).</summary>
    private static async Task<string> EnsureUserAsync()
    {
        var home = $"/home/{User}";
        if ((await RunAsync("id", ["-u", User], check: false)).ExitCode != 0)
        {
            await RunAsync("useradd", ["-m", "-d", home, "-s", "/bin/sh", User]);
        }

        await RunAsync("usermod", ["-p", "*", User]);

        // Rootless podman (the containers example over SSH) maps the user's containers onto a range of subordinate ids;
        // Debian's useradd gives one, an account made otherwise may lack it.
        if (!HasSubordinateRange("/etc/subuid") || !HasSubordinateRange("/etc/subgid"))
        {
            await RunAsync("usermod", ["--add-subuids", "300000-365535", "--add-subgids", "300000-365535", User]);
        }

        return home;
    }

    private static bool HasSubordinateRange(string file) =>
        File.Exists(file) && File.ReadLines(file).Any(line => line.StartsWith(User + ":", StringComparison.Ordinal));

    /// <summary>A port free on every address the hosts use (each binds its own address on it).</summary>
    private static int FreePort(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            if (count == 0 || Enumerable.Range(2, count).All(i => CanBind($"127.0.0.{i.ToString(CultureInfo.InvariantCulture)}", port)))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free port for the sshd hosts after 50 tries");
    }

    private static bool CanBind(string address, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whether the process runs as <see cref="User"/> (a test checks this before it kills one of the hosts' processes).</summary>
    public static async Task<bool> IsTheUsersAsync(int pid) =>
        Owner($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}") is { } owner && owner == (await RunAsync("id", ["-u", User])).Output.Trim();

    private static async Task KillUserProcessesAsync()
    {
        var uid = (await RunAsync("id", ["-u", User])).Output.Trim();
        var pids = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Where(name => Owner($"/proc/{name}") == uid)
            .Select(name => int.Parse(name ?? "0", CultureInfo.InvariantCulture));
        ProcessTable.Kill(pids);
    }

    private static string? Owner(string path)
    {
        try
        {
            var status = File.ReadAllLines(Path.Combine(path, "status"));
            return status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().Within();
        var output = await stdout + await stderr;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }

        return (process.ExitCode, output);
    }
}

/// <summary>One sshd of <see cref="SshHosts"/>.</summary>
/// <param name="HostKey">Its public host key as <c>known_host_key</c> takes it: "ssh-ed25519 AAAA…".</param>
public sealed record SshHost(string Name, string Address, int Port, string HostKey, string PidFile, string Log)
{
    /// <summary>Stops the listener and the sessions it forked (each per-connection sshd is its child), and waits until they are gone.</summary>
    public async Task StopAsync()
    {
        if (!File.Exists(PidFile) || !int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        var sessions = ChildrenOf(pid);
        ProcessTable.Kill([pid, .. sessions]);
        await Poll.UntilAsync(() => !Directory.Exists($"/proc/{pid}") || ProcessTable.Stat(pid)?.State == 'Z', TestTimeouts.Default);
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0)
            .Where(p => p > 0 && ParentOf(p) == pid)];

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}

/// <summary>An sshd in a network namespace of its own, behind a veth pair whose outer end a test can take down.</summary>
public sealed class NamespacedSshHost(string @namespace, string outerLink) : IAsyncDisposable
{
    public SshHost Host { get; internal set; } = new("", "", 0, "", "", "");

    /// <summary>Takes the link down: the host drops off the network (new connections fail, open ones go silent).</summary>
    public Task CutAsync() => SshHosts.RunAsync("ip", ["link", "set", outerLink, "down"]);

    /// <summary>Brings the link back up.</summary>
    public async Task RestoreAsync()
    {
        await SshHosts.RunAsync("ip", ["link", "set", outerLink, "up"]);
        if (!await Poll.UntilAsync(() => SshHosts.Accepts(Host.Address, Host.Port), TestTimeouts.Default))
        {
            throw new InvalidOperationException($"sshd on {Host.Address}:{Host.Port} did not come back");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Host.PidFile.Length > 0)
        {
            await Host.StopAsync();
        }

        // Deleting the namespace deletes the veth pair with it.
        await SshHosts.RunAsync("ip", ["netns", "del", @namespace], check: false);
        await SshHosts.RunAsync("ip", ["link", "del", outerLink], check: false);
    }
}
