using Hearth.Execution.Ssh;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>
/// The hosts a state folder remembers for crash recovery (ssh/hosts/*.json), read and written; the socket folder in /tmp
/// that a state folder with a long path uses, refused unless it is the user's own.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SshFolderTests
{
    /// <summary>A state path too long for sockets in it (they then go to the temporary folder).</summary>
    private static string LongState(TempDirectory state) => Path.Combine(state.Path, new string('s', 100));

    [Fact]
    public void Prepare_LongStatePath_MakesAPrivateSocketFolderOfItsOwnInTheTemporaryFolder()
    {
        using var state = new TempDirectory();
        using var temporary = new TempDirectory();
        var folder = new SshFolder(LongState(state), temporary.Path);

        folder.Prepare();

        folder.ControlFolder.ShouldStartWith(Path.Combine(temporary.Path, $"hearth-ssh-{Environment.UserName}") + "/");
        File.GetUnixFileMode(Path.GetDirectoryName(folder.ControlFolder)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Prepare_SocketFolderInTheTemporaryFolderMadeByAnotherUserOrALink_RefusedSayingWhatToDo(bool link)
    {
        if (Hearth.State.NativeFiles.CurrentUser != 0)
        {
            return; // Making a folder another user's takes root (CI runs the tests as root).
        }

        using var state = new TempDirectory();
        using var temporary = new TempDirectory();
        var theirs = Path.Combine(temporary.Path, $"hearth-ssh-{Environment.UserName}");
        if (link)
        {
            var elsewhere = Directory.CreateDirectory(Path.Combine(temporary.Path, "elsewhere")).FullName;
            Directory.CreateSymbolicLink(theirs, elsewhere);
        }
        else
        {
            Directory.CreateDirectory(theirs);
            File.SetUnixFileMode(theirs, (UnixFileMode)0x1FF);
            using var chown = System.Diagnostics.Process.Start("chown", ["nobody", theirs]);
            chown.WaitForExit();
            chown.ExitCode.ShouldBe(0);
        }

        var error = Should.Throw<TransportUnavailableException>(() => new SshFolder(LongState(state), temporary.Path).Prepare());

        error.Message.ShouldBe($"the folder {theirs}, where Hearth keeps its SSH connections' sockets, is not this user's own (another user made it, or it is a link): "
            + "remove it, or give the state folder a shorter path (the sockets then live in it)");
    }

    [Fact]
    public void Remembered_AHostFileAnEarlierHearthWrote_IsReadBack()
    {
        using var state = new TempDirectory();
        var target = new SshTarget("127.0.0.7", 2222, "deploy", "/home/op/.ssh/id_ed25519", null);
        // Byte for byte what Hearth wrote before the SSH transport's JSON was generated at build time (reflection-based,
        // every public property included).
        state.File($"ssh/hosts/{target.FileKey}.json",
            "{\"Host\":\"127.0.0.7\",\"Port\":2222,\"User\":\"deploy\",\"KeyFile\":\"/home/op/.ssh/id_ed25519\",\"KnownHostKey\":null," +
            "\"Description\":\"ssh deploy@127.0.0.7:2222\",\"KnownHostsName\":\"[127.0.0.7]:2222\",\"FileKey\":\"" + target.FileKey + "\"}");

        new SshFolder(state.Path).Remembered().ShouldBe([target]);
    }

    [Fact]
    public void Reached_AHostAnEarlierHearthNoted_CountsAsReached()
    {
        using var state = new TempDirectory();
        var target = new SshTarget("127.0.0.7", 2222, "deploy", null, null);
        // An earlier Hearth noted a host before its first run, reached or not: its deployments' undo must not be skipped.
        state.File($"ssh/hosts/{target.FileKey}.json",
            "{\"Host\":\"127.0.0.7\",\"Port\":2222,\"User\":\"deploy\",\"KeyFile\":null,\"KnownHostKey\":null}");

        new SshFolder(state.Path).Reached(target).ShouldBeTrue();
    }

    [Fact]
    public void Remember_ThenRemembered_GivesEachHostOnceAndSkipsAHalfWrittenFile()
    {
        using var state = new TempDirectory();
        var folder = new SshFolder(state.Path);
        folder.Prepare();
        var first = new SshTarget("127.0.0.2", 22, null, null, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnly");
        var second = new SshTarget("host.example", 2200, "ops", null, null);

        folder.Remember(first);
        folder.Remember(second);
        folder.Remember(first);
        state.File("ssh/hosts/torn.json", "{\"Host\":\"127.0.0.9\",\"Po");

        folder.Remembered().OrderBy(t => t.Host, StringComparer.Ordinal).ShouldBe([first, second]);
    }

    [Fact]
    public void Reached_OnlyAHostRemembered()
    {
        using var state = new TempDirectory();
        var folder = new SshFolder(state.Path);
        folder.Prepare();
        var reached = new SshTarget("127.0.0.2", 22, null, null, null);
        var other = reached with { Port = 2222 };

        folder.Remember(reached);

        folder.Reached(reached).ShouldBeTrue();
        folder.Reached(other).ShouldBeFalse();
    }
}
