using Hearth.Execution.Ssh;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>A DeployedServer's <c>ssh</c> property read into a target, or refused with what to give instead.</summary>
public class SshTargetTests
{
    /// <summary>A real ed25519 public key, as the server's ssh_host_ed25519_key.pub holds it (without its comment).</summary>
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINX7XFAGXA24XPn+F1ER94sPEJVNBeaCmyx+yTcayZYi";

    [Theory]
    [InlineData(Key)]
    [InlineData(Key + " root@backend")]
    [InlineData("  " + Key + "  ")]
    public void From_PublicKeyLine_IsTheKnownHostKey(string known)
    {
        var target = SshTarget.From(Server(known));

        target.KnownHostKey.ShouldBe(known.Trim());
        target.Description.ShouldBe("ssh deploy@10.0.0.5:22");
    }

    [Theory]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI-replace-with-the-backend-host-key", "is not a host key: its second word is not base64 (a placeholder, or a key cut short?)")]
    [InlineData("10.0.0.5 " + Key, "begins with a host name ('10.0.0.5'), as ssh-keyscan prints it: give only the words after it")]
    [InlineData("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINX7XFAGXA24XPn+F1ER94sPEJVNBeaCmyx+yTcayZYi", "is not a host key: its second word is not the base64 of a 'ssh-rsa' key (is its first word the key's type?)")]
    [InlineData("AAAAC3NzaC1lZDI1NTE5AAAAINX7XFAGXA24XPn+F1ER94sPEJVNBeaCmyx+yTcayZYi", "is one word")]
    [InlineData(Key + "\n" + Key, "holds more than one line")]
    public void From_KnownHostKeyThatIsNoKey_IsRefusedSayingWhatToGive(string known, string problem)
    {
        var error = Should.Throw<TransportUnavailableException>(() => SshTarget.From(Server(known)));

        error.Message.ShouldContain($"server 'backend': ssh.known_host_key {problem}");
        error.Message.ShouldEndWith("give the server's public host key, \"TYPE BASE64\": on the server, cat /etc/ssh/ssh_host_ed25519_key.pub; from here, ssh-keyscan -t ed25519 10.0.0.5 (its words after the host name)");
    }

    [Fact]
    public void From_PortOutOfRange_IsRefused()
    {
        var error = Should.Throw<TransportUnavailableException>(() => SshTarget.From(Server(Key, port: 70000L)));

        error.Message.ShouldBe("server 'backend': ssh.port 70000 is not a port (1-65535)");
    }

    [Fact]
    public void From_KnownHostKeyThatIsNoKeyOnAnotherPort_SaysHowToScanThatPort()
    {
        var error = Should.Throw<TransportUnavailableException>(() => SshTarget.From(Server("10.0.0.5 " + Key, port: 2222L)));

        error.Message.ShouldEndWith("from here, ssh-keyscan -t ed25519 -p 2222 10.0.0.5 (its words after the host name)");
    }

    [Theory]
    [InlineData("2001:db8::10")]
    [InlineData("backend.example.org")]
    public void From_HostNameOrIpv6Address_IsTheHost(string host)
    {
        SshTarget.From(Server(Key, host: host)).Host.ShouldBe(host);
    }

    [Fact]
    public void From_RelativeKeyFile_IsTheOneInThisCommandsFolder()
    {
        SshTarget.From(Server(Key, keyFile: "keys/id")).KeyFile.ShouldBe(Path.GetFullPath("keys/id"));
        SshTarget.From(Server(Key, keyFile: "~/.ssh/id")).KeyFile.ShouldBe("~/.ssh/id");
    }

    [Theory]
    [InlineData("Warning: Identity file /k not accessible: No such file or directory.\nuser@h: Permission denied (publickey).",
        "ssh.key_file /k cannot be read on this machine (Warning: Identity file /k not accessible: No such file or directory); give the path of the private key here")]
    [InlineData("@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\nPermissions 0644 for '/k' are too open.\nuser@h: Permission denied (publickey).",
        "ssh.key_file /k can be read by other users, and ssh will not use such a key: chmod 600 /k")]
    [InlineData("Load key \"/k\": incorrect passphrase supplied to decrypt private key\nuser@h: Permission denied (publickey).",
        "ssh could not use ssh.key_file /k (Load key \"/k\": incorrect passphrase supplied to decrypt private key); give a private key without a passphrase (ssh runs in batch mode, with no one to ask)")]
    [InlineData("user@h: Permission denied (publickey).", null)]
    public void KeyFileProblem_WhatSshSaidOfTheKey_IsTheReason(string stderr, string? problem)
    {
        SshTarget.KeyFileProblem("/k", stderr).ShouldBe(problem);
    }

    private static ServerTarget Server(string knownHostKey, long port = 22, string host = "10.0.0.5", string? keyFile = null) => new("backend", "SSH", new Dictionary<string, object?>
    {
        ["ssh"] = new Dictionary<string, object?> { ["host"] = host, ["port"] = port, ["user"] = "deploy", ["known_host_key"] = knownHostKey, ["key_file"] = keyFile },
    });
}
