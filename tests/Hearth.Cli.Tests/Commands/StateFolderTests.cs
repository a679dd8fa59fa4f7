namespace Hearth.Cli.Tests.Commands;

/// <summary>The state folder holds secrets: its files are made private, and a folder others could write is refused.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateFolderTests
{
    private const int StateUnusable = 5;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task StackList_DatabaseReadableByOthers_MakesItPrivate()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        var database = Path.Combine(stack.State, "hearth.db");
        File.SetUnixFileMode(database, PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await stack.RunAsync("stack", "list");

        result.ExitCode.ShouldBe(0, result.ToString());
        File.GetUnixFileMode(database).ShouldBe(PrivateFile);
    }

    [Theory]
    [InlineData(UnixFileMode.OtherWrite, "can be written by every user (mode 0757)")]
    [InlineData(UnixFileMode.GroupWrite, "can be written by its group (mode 0775)")]
    public async Task StackList_StateFolderWritableByOthers_Exits5(UnixFileMode others, string problem)
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        var readable = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(stack.State, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | readable | others);

        var result = await stack.RunAsync("stack", "list");

        result.ExitCode.ShouldBe(StateUnusable, result.ToString());
        result.Error.ShouldContain($"'{stack.State}' {problem}: another user could change the state");
    }

    [Fact]
    public async Task StackList_StateFolderOfAnotherUser_Exits5()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        StateMount.Run("chown", "nobody", stack.State);

        var result = await stack.RunAsync("stack", "list");

        result.ExitCode.ShouldBe(StateUnusable, result.ToString());
        result.Error.ShouldContain($"'{stack.State}' belongs to another user (uid 65534)");
    }

    [Fact]
    public async Task StackList_DatabaseOfAnotherUser_Exits5()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();
        var database = Path.Combine(stack.State, "hearth.db");
        StateMount.Run("chown", "nobody", database);

        var result = await stack.RunAsync("stack", "list");

        result.ExitCode.ShouldBe(StateUnusable, result.ToString());
        result.Error.ShouldContain($"'{database}' belongs to another user (uid 65534)");
    }
}
