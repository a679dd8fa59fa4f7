using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Hearth.Execution.Ssh;

/// <summary>
/// How the SSH transport reaches one server: the DeployedServer's <c>ssh</c> property (<c>host</c>, <c>port</c>,
/// <c>user</c>, <c>key_file</c>, <c>known_host_key</c>). Equal targets share one connection.
/// </summary>
/// <param name="User">Null: the engine's user name, as ssh would use.</param>
/// <param name="KeyFile">Null: the engine user's default keys (and agent).</param>
/// <param name="KnownHostKey">The host key the server must show ("ssh-ed25519 AAAA…"); null: Hearth's known_hosts file.</param>
public sealed record SshTarget(string Host, int Port, string? User, string? KeyFile, string? KnownHostKey)
{
    /// <summary>The property name on OS::Heat::DeployedServer.</summary>
    public const string Property = "ssh";

    /// <summary>"ssh deploy@10.0.0.5:22", for messages.</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"ssh {(User is null ? "" : User + "@")}{Host}:{Port}");

    /// <summary>The name ssh gives the host in known_hosts: <c>host</c> on port 22, else <c>[host]:port</c>.</summary>
    public string KnownHostsName => Port == 22 ? Host : string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}");

    /// <summary>A short stable name for files about this target (its known_hosts, its log).</summary>
    public string FileKey => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', Host, Port.ToString(CultureInfo.InvariantCulture), User ?? "", KeyFile ?? "", KnownHostKey ?? ""))))[..16];

    /// <summary>Reads the <c>ssh</c> property of <paramref name="server"/>, or says what is missing.</summary>
    /// <exception cref="TransportUnavailableException">No <c>ssh.host</c>, or a value of the wrong kind.</exception>
    public static SshTarget From(ServerTarget server)
    {
        if (server.Properties.GetValueOrDefault(Property) is not IReadOnlyDictionary<string, object?> ssh
            || ssh.GetValueOrDefault("host") is not string { Length: > 0 } host)
        {
            throw new TransportUnavailableException(
                $"server '{server.Name}' uses the SSH transport but has no ssh.host; give ssh: {{host: ADDRESS, user: USER, key_file: PATH, known_host_key: KEY}}");
        }

        var port = ssh.GetValueOrDefault("port") switch
        {
            null => 22,
            long p and >= 1 and <= 65535 => (int)p,
            var other => throw new TransportUnavailableException($"server '{server.Name}': ssh.port {other} is not a port (1-65535)"),
        };
        if (HostProblem(host) is { } hostProblem)
        {
            throw new TransportUnavailableException($"server '{server.Name}': {hostProblem}");
        }

        var user = ssh.GetValueOrDefault("user") as string is { Length: > 0 } u ? u : null;
        if (user is not null && (user.StartsWith('-') || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '@')))
        {
            throw new TransportUnavailableException($"server '{server.Name}': ssh.user '{user}' is not a user name");
        }

        var key = ssh.GetValueOrDefault("known_host_key") as string is { Length: > 0 } k ? k.Trim() : null;
        if (key is not null && HostKeyProblem(key) is { } problem)
        {
            throw new TransportUnavailableException(
                $"server '{server.Name}': ssh.known_host_key {problem}; give the server's public host key, \"TYPE BASE64\": on the server, "
                + $"cat /etc/ssh/ssh_host_ed25519_key.pub; from here, ssh-keyscan -t ed25519 {(port == 22 ? "" : $"-p {port} ")}{host} (its words after the host name)");
        }

        // A relative key file is this command's (ssh -i reads it so); the broker that starts ssh later runs elsewhere.
        var keyFile = ssh.GetValueOrDefault("key_file") as string is { Length: > 0 } f ? (IsRelative(f) ? Path.GetFullPath(f) : f) : null;
        return new SshTarget(host, port, user, keyFile, key);
    }

    /// <summary>What is wrong with an <c>ssh.host</c>, or null: it is a host name or address alone.</summary>
    public static string? HostProblem(string host)
    {
        if (host.Length == 0 || host.StartsWith('-') || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // ssh would take a leading '-' for an option.
            return $"ssh.host '{host}' is not a host name or address";
        }

        if (host.Contains('@', StringComparison.Ordinal))
        {
            return $"ssh.host '{host}' names a user; give the host alone in ssh.host and the user in ssh.user";
        }

        return host.Contains(':', StringComparison.Ordinal) && !(IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
            ? $"ssh.host '{host}' is not a host name or address; give the host alone in ssh.host and the port in ssh.port"
            : null;
    }

    /// <summary>Why a relative <c>ssh.key_file</c> is refused (<see cref="IsRelative"/>), and what to give.</summary>
    public static string RelativeKeyFile(string keyFile) =>
        $"ssh.key_file '{keyFile}' is relative to the folder this command runs in, and later commands run from others; "
        + $"give it whole ({Path.GetFullPath(keyFile)}) or from your home folder (~/.ssh/…)";

    /// <summary>
    /// Whether <c>ssh.key_file</c> is relative to the current folder: a server refuses it at its create or update, as its
    /// later commands (and the state's broker) run from other folders. <c>~/…</c> is the engine user's home, as for ssh.
    /// </summary>
    public static bool IsRelative(string keyFile) => !Path.IsPathRooted(keyFile) && !keyFile.StartsWith("~/", StringComparison.Ordinal);

    /// <summary>What keeps ssh from using <paramref name="keyFile"/>, from what ssh said when a login failed; null when it said nothing of it.</summary>
    public static string? KeyFileProblem(string keyFile, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.FirstOrDefault(l => l.StartsWith("Warning: Identity file", StringComparison.Ordinal) && l.Contains("not accessible", StringComparison.Ordinal)) is { } missing)
        {
            return $"ssh.key_file {keyFile} cannot be read on this machine ({missing.TrimEnd('.')}); give the path of the private key here";
        }

        if (lines.Any(l => l.Contains("UNPROTECTED PRIVATE KEY FILE", StringComparison.Ordinal) || l.Contains("are too open", StringComparison.Ordinal)))
        {
            return $"ssh.key_file {keyFile} can be read by other users, and ssh will not use such a key: chmod 600 {keyFile}";
        }

        if (lines.FirstOrDefault(l => l.StartsWith("Load key", StringComparison.Ordinal)) is { } unloadable)
        {
            return $"ssh could not use ssh.key_file {keyFile} ({unloadable}); give a private key without a passphrase (ssh runs in batch mode, with no one to ask)";
        }

        return null;
    }

    /// <summary>
    /// What is wrong with a <c>known_host_key</c>, or null: it must be a public key line, <c>TYPE BASE64 [COMMENT]</c>,
    /// whose BASE64 is the key in SSH's wire form, which begins with its TYPE again. A placeholder, a key cut short or
    /// one pasted with ssh-keyscan's host name in front would otherwise reach ssh, and fail as a host key mismatch.
    /// </summary>
    public static string? HostKeyProblem(string key)
    {
        if (key.Contains('\n', StringComparison.Ordinal))
        {
            return "holds more than one line";
        }

        var words = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not [var type, var encoded, ..])
        {
            return "is one word";
        }

        if (words is [var name, _, _, ..] && IsKey(words[1], words[2]) == true)
        {
            return $"begins with a host name ('{name}'), as ssh-keyscan prints it: give only the words after it";
        }

        return IsKey(type, encoded) switch
        {
            true => null,
            null => "is not a host key: its second word is not base64 (a placeholder, or a key cut short?)",
            false => $"is not a host key: its second word is not the base64 of a '{type}' key (is its first word the key's type?)",
        };
    }

    /// <summary>Whether <paramref name="encoded"/> is a <paramref name="type"/> key in SSH's wire form; null when it is not base64.</summary>
    private static bool? IsKey(string type, string encoded)
    {
        var blob = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, blob, out var length))
        {
            return null;
        }

        return length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(blob) is var nameLength && nameLength <= length - 4
            && Encoding.ASCII.GetString(blob, 4, (int)nameLength) == type;
    }
}
