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
    public async Task TemplateValidate_WritesItsCommandsProfileInAPrivateCacheFolder_AndTheNextRunReadsIt()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        var cache = Path.Combine(temp.Path, "cache");
        var environment = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache };

        var first = await HearthProcess.RunAsync(environment, "template", "validate", "-t", template);
        var second = await HearthProcess.RunAsync(environment, "template", "validate", "-t", template);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first, second);
        var folder = Path.Combine(cache, "hearth");
        var profile = new FileInfo(Path.Combine(folder, "template-validate.jitprofile"));
        Assert.True(profile.Exists, $"no profile in {folder}: {string.Join(", ", Directory.EnumerateFileSystemEntries(cache, "*", SearchOption.AllDirectories))}");
        Assert.True(profile.Length > 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public async Task TemplateValidate_CacheFolderUnusable_RunsTheSameWithoutAProfile()
    {
        using var temp = new TempDirectory();
        var template = temp.File("t.yaml", Template);
        var expected = await HearthProcess.RunAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = Path.Combine(temp.Path, "cache") }, "template", "validate", "-t", template);
        // A file where the cache folder should be: the profile's folder cannot be made.
        var blocked = temp.File("blocked", "not a folder");

        var result = await HearthProcess.RunAsync(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = blocked }, "template", "validate", "-t", template);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(expected, result);
        Assert.Equal("not a folder", File.ReadAllText(blocked));
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

        Assert.Equal(expected, JitProfile.Folder(name => environment.GetValueOrDefault(name)));
    }

    [Theory]
    [InlineData("stack create", "stack-create.jitprofile")]
    [InlineData("stack event list", "stack-event-list.jitprofile")]
    [InlineData("", "hearth.jitprofile")]
    public void FileName_IsTheCommandsWords(string command, string expected) => Assert.Equal(expected, JitProfile.FileName(command));
}
