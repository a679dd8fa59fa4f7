using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hearth.Execution.Ssh;

/// <summary>
/// What the SSH transport keeps under the state folder, in <c>ssh/</c>: <c>known_hosts</c> (Hearth's own; the user
/// adds keys to it), <c>known_hosts.d/</c> (one file per target with a <c>known_host_key</c>), <c>cm/</c> (the
/// connection sockets and the broker's, 0700) and <c>hosts/</c> (each target deployments ran on, for finding orphans after a crash).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SshFolder
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>A unix socket path holds at most 107 bytes; ssh adds a 17-character suffix while it creates one, a target's key is 16.</summary>
    private const int MaxControlFolderLength = 107 - 17 - 1 - 16;

    private readonly string _root;

    /// <param name="stateRoot">The state folder.</param>
    /// <param name="temporary">Where the sockets go when the state folder's path is too long for them: the system's temporary folder.</param>
    public SshFolder(string stateRoot, string? temporary = null)
    {
        _root = Path.Combine(Path.GetFullPath(stateRoot), "ssh");
        ControlFolder = Path.Combine(_root, "cm");
        if (ControlFolder.Length > MaxControlFolderLength)
        {
            // The state folder's path is too long for a socket in it: a private folder in /tmp named after it instead.
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_root)))[..16];
            ControlFolder = Path.Combine(temporary ?? Path.GetTempPath(), $"hearth-ssh-{Environment.UserName}", key);
        }
    }

    /// <summary>Hearth's known_hosts file, used for every target without a <c>known_host_key</c>.</summary>
    public string KnownHosts => Path.Combine(_root, "known_hosts");

    /// <summary>Where the connection sockets are: 0700, so no other user can ride the connections.</summary>
    public string ControlFolder { get; }

    /// <summary>
    /// The socket of the shared connection to <paramref name="target"/>: named by its <see cref="SshTarget.FileKey"/>
    /// (not ssh's %C), so that targets differing in key file or pinned host key never share a connection, and so that
    /// the engine can tell whether one is there.
    /// </summary>
    public string ControlSocket(SshTarget target) => Path.Combine(ControlFolder, target.FileKey);

    /// <summary>The socket of the state folder's <see cref="SshSessionBroker"/>, beside the connection sockets.</summary>
    public string BrokerSocket => Path.Combine(ControlFolder, "broker");

    /// <summary>Where the broker writes what it has to say (it has no terminal).</summary>
    public string BrokerLog => Path.Combine(_root, "broker.log");

    /// <summary>Whether the folder is still there (a broker ends when its state folder was removed).</summary>
    public bool Exists => Directory.Exists(_root);

    private string HostsFolder => Path.Combine(_root, "hosts");

    /// <summary>Creates the folders (private) once per engine.</summary>
    /// <exception cref="TransportUnavailableException">The socket folder in /tmp is another user's (or a link): nothing is sent through it.</exception>
    public void Prepare()
    {
        if (Path.GetDirectoryName(ControlFolder) is { } parent && !parent.StartsWith(_root, StringComparison.Ordinal))
        {
            // /tmp is everyone's: a folder there with the name Hearth would use may have been made by another user, who
            // could then stand a socket of their own where the engine sends inputs and scripts. Only one of ours will do.
            Directory.CreateDirectory(parent, Private);
            MustBeOurs(parent);
            File.SetUnixFileMode(parent, Private);
        }

        foreach (var folder in new[] { _root, ControlFolder, HostsFolder, Path.Combine(_root, "known_hosts.d") })
        {
            Directory.CreateDirectory(folder, Private);
            MustBeOurs(folder);
            File.SetUnixFileMode(folder, Private);
        }
    }

    /// <summary>A folder of this user's, and no link (to one of someone else's).</summary>
    private static void MustBeOurs(string folder)
    {
        if (new DirectoryInfo(folder).LinkTarget is not null || Hearth.State.NativeFiles.Owner(folder) is not { } owner || owner != Hearth.State.NativeFiles.CurrentUser)
        {
            throw new TransportUnavailableException(
                $"the folder {folder}, where Hearth keeps its SSH connections' sockets, is not this user's own (another user made it, or it is a link): "
                + "remove it, or give the state folder a shorter path (the sockets then live in it)");
        }
    }

    /// <summary>The known_hosts file for <paramref name="target"/>: its own, holding only its <c>known_host_key</c>, or Hearth's.</summary>
    public string KnownHostsFor(SshTarget target)
    {
        if (target.KnownHostKey is not { } key)
        {
            return KnownHosts;
        }

        var file = Path.Combine(_root, "known_hosts.d", target.FileKey);
        var line = $"{target.KnownHostsName} {key}\n";
        if (!File.Exists(file) || File.ReadAllText(file) != line)
        {
            File.WriteAllText(file, line);
        }

        return file;
    }

    /// <summary>
    /// Notes that this state folder reached <paramref name="target"/> (an ssh start connected), before anything is sent
    /// there: a later resume or cancel looks there for orphans, and a host never reached holds nothing of this state
    /// folder (see <see cref="Reached"/>). An earlier Hearth noted a host before its first run instead, reached or not.
    /// </summary>
    public void Remember(SshTarget target)
    {
        var file = HostFile(target);
        if (!File.Exists(file))
        {
            File.WriteAllText(file, JsonSerializer.Serialize(target, SshJson.Default.SshTarget));
        }
    }

    /// <summary>Whether this state folder ever reached <paramref name="target"/> (or, before Hearth noted only that, ran anything there).</summary>
    public bool Reached(SshTarget target) => File.Exists(HostFile(target));

    private string HostFile(SshTarget target) => Path.Combine(HostsFolder, target.FileKey + ".json");

    /// <summary>Every target deployments ran on from this state folder.</summary>
    public IReadOnlyList<SshTarget> Remembered()
    {
        if (!Directory.Exists(HostsFolder))
        {
            return [];
        }

        var targets = new List<SshTarget>();
        foreach (var file in Directory.EnumerateFiles(HostsFolder, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllText(file), SshJson.Default.SshTarget) is { } target)
                {
                    targets.Add(target);
                }
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                // Half written by a crash: that host's orphans wait for its next deployment, which stops them first.
            }
        }

        return targets;
    }
}
