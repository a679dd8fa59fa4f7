namespace Hearth.Execution.Ssh;

/// <summary>Tells a host key refusal from other connection failures, and says what to do about it.</summary>
internal static class HostKeys
{
    /// <summary>
    /// The OpenSSH client reports a refused host key only in text, ending with this line, whatever the cause (unknown
    /// key, changed key, a key of another type), and exits 255 like any connection failure.
    /// </summary>
    private const string Refused = "Host key verification failed.";

    public static bool IsRejection(string stderr) => stderr.Contains(Refused, StringComparison.Ordinal);

    public static string Explain(SshTarget target, string knownHosts, bool acceptingNewKeys)
    {
        var keyscan = $"ssh-keyscan -p {target.Port} {target.Host}";
        return target.KnownHostKey is not null
            ? $"the host key of {target.Description} is not its ssh.known_host_key: nothing was run there. "
              + $"If the server's key changed on purpose, check the new one (on the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub; here: {keyscan}) and put it in ssh.known_host_key"
            : acceptingNewKeys
                ? $"the host key of {target.Description} differs from the one in Hearth's known_hosts ({knownHosts}): nothing was run there. "
                  + $"A key that changed is never accepted, even with --accept-new-host-keys: if the change is expected, check the new one ({keyscan}) "
                  + $"and remove the old one (ssh-keygen -R '{target.KnownHostsName}' -f {knownHosts})"
                : $"the host key of {target.Description} is not in Hearth's known_hosts ({knownHosts}), or differs from the one there: nothing was run there. "
                  + $"Give the server's key in ssh.known_host_key, or check it and add it: {keyscan} >> {knownHosts} "
                  + $"(or trust it on first use: give --accept-new-host-keys to the next stack create, update, resume or cancel). A key that changed is never accepted: "
                  + $"if the change is expected, remove the old one first (ssh-keygen -R '{target.KnownHostsName}' -f {knownHosts})";
    }
}
