namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The real program keeps a multi-core JIT profile per command in the user's cache folder, private to the user, and
/// runs the same whether or not it can.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class JitProfileTests
{
    private const string Template = """
        heat_template_version: 2021-04-16
        resources:
          a: {type: OS::Heat::None}
          b: {type: OS::Heat::Value, properties: {value: {get_resource: a}}}
        """;

    [Fact]
    public async Task TemplateValidate_WritesItsCommandsProfileInAPrivateFolder_AndRunsTheSameWithIt()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        var folder = Path.Combine(temp.Path, "hearth");
        // A folder left open by something else is made private.
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var environment = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = temp.Path };

        var first = await HearthProcess.RunAsync(environment, "template", "validate", "-t", template);
        var second = await HearthProcess.RunAsync(environment, "template", "validate", "-t", template);

        first.ExitCode.ShouldBe(0, first.ToString());
        second.ShouldBe(first);
        var profile = new FileInfo(Path.Combine(folder, "template-validate.jitprofile"));
        profile.Exists.ShouldBeTrue($"no profile in {folder}: {string.Join(", ", Directory.EnumerateFileSystemEntries(folder))}");
        profile.Length.ShouldBeGreaterThan(0);
        File.GetUnixFileMode(folder).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task TemplateValidate_CacheFolderMissingOrNotAFolder_RunsTheSameAndCreatesNothing()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        var expected = await HearthProcess.RunAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = temp.Path }, "template", "validate", "-t", template);
        var missing = Path.Combine(temp.Path, "missing");
        var notAFolder = temp.File("blocked", "not a folder");

        var withMissing = await HearthProcess.RunAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = missing }, "template", "validate", "-t", template);
        var withFile = await HearthProcess.RunAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = notAFolder }, "template", "validate", "-t", template);

        expected.ExitCode.ShouldBe(0, expected.ToString());
        withMissing.ShouldBe(expected);
        withFile.ShouldBe(expected);
        Directory.Exists(missing).ShouldBeFalse();
        File.ReadAllText(notAFolder).ShouldBe("not a folder");
    }

    [Theory]
    [InlineData("/x/cache", "/home/u", "/x/cache/hearth")]
    [InlineData("relative/cache", "/home/u", "/home/u/.cache/hearth")]
    [InlineData(null, "/home/u", "/home/u/.cache/hearth")]
    [InlineData(null, null, null)]
    [InlineData("", "relative", null)]
    public void Folder_FollowsTheXdgBaseDirectoryRules(string? xdgCacheHome, string? home, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = xdgCacheHome, ["HOME"] = home };

        JitProfile.Folder(name => environment.GetValueOrDefault(name)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("stack create", "stack-create.jitprofile")]
    [InlineData("stack event list", "stack-event-list.jitprofile")]
    [InlineData("", "hearth.jitprofile")]
    public void FileName_IsTheCommandsWords(string command, string expected) => JitProfile.FileName(command).ShouldBe(expected);
}
