namespace Hearth.Cli.Tests.Commands;

/// <summary>A state database that is damaged, or a state folder that cannot be written: a message naming the file, exit 5.</summary>
public sealed class StateFaultTests
{
    private const int StateUnusable = 5;

    [Fact]
    public async Task StackList_GarbageDatabase_Exits5NamingTheFileAndKeepsIt()
    {
        using var stack = new CliStack();
        Directory.CreateDirectory(stack.State);
        var database = Path.Combine(stack.State, "hearth.db");
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 251)).ToArray();
        await File.WriteAllBytesAsync(database, garbage);

        var result = await stack.RunAsync("stack", "list");

        result.ExitCode.ShouldBe(StateUnusable, result.ToString());
        result.Error.ShouldContain($"The state database '{database}' is damaged or not a database (SQLite: file is not a database)");
        result.Error.ShouldNotContain("   at ");
        (await File.ReadAllBytesAsync(database)).ShouldBe(garbage);
    }

    [Fact]
    public async Task StackList_EmptyDatabase_Exits5InsteadOfStartingOver()
    {
        using var stack = new CliStack();
        Directory.CreateDirectory(stack.State);
        var database = Path.Combine(stack.State, "hearth.db");
        await File.WriteAllBytesAsync(database, []);

        var list = await stack.RunAsync("stack", "list");
        var create = await stack.RunAsync("stack", "create", "demo", "-t", stack.TemplatePath);

        list.ExitCode.ShouldBe(StateUnusable, list.ToString());
        list.Error.ShouldContain($"The state database '{database}' is empty (0 bytes)");
        create.ExitCode.ShouldBe(StateUnusable, create.ToString());
        new FileInfo(database).Length.ShouldBe(0);
    }

    [Fact]
    public async Task ReadCommands_ReadOnlyStateFolder_KeepWorkingWhileWritesExit5()
    {
        using var stack = new CliStack();
        await stack.CreateAsync();

        using (StateMount.ReadOnly(stack.State))
        {
            var list = await stack.RunAsync("stack", "list");
            var show = await stack.RunAsync("stack", "show", "demo", "-f", "json");
            var events = await stack.RunAsync("stack", "event", "list", "demo");
            var create = await stack.RunAsync("stack", "create", "other", "-t", stack.TemplatePath);
            var delete = await stack.RunAsync("stack", "delete", "demo", "--yes");
            var background = await stack.RunAsync("stack", "update", "demo", "--existing", "--no-wait");

            list.ExitCode.ShouldBe(0, list.ToString());
            list.Out.ShouldContain("demo");
            CliStack.Json(show).GetProperty("stack_status").GetString().ShouldBe("CREATE_COMPLETE");
            events.ExitCode.ShouldBe(0, events.ToString());
            events.Out.ShouldContain("CREATE_COMPLETE");
            foreach (var write in new[] { create, delete })
            {
                write.ExitCode.ShouldBe(StateUnusable, write.ToString());
                write.Error.ShouldContain(
                    $"Cannot write the state database '{Path.Combine(stack.State, "hearth.db")}': the folder cannot be written (Read-only file system)");
            }

            background.ExitCode.ShouldBe(StateUnusable, background.ToString());
            background.Error.ShouldContain("cannot write the operation's log");
            background.Error.ShouldContain("the folder cannot be written (Read-only file system)");
        }

        (await stack.RunAsync("stack", "list")).Out.ShouldNotContain("other");
    }

    [Fact]
    public async Task ReadCommands_FullDisk_KeepWorkingWhileWritesExit5()
    {
        using var stack = new CliStack();
        using var disk = StateMount.SmallDisk(stack.State, 1024);
        await stack.CreateAsync();
        disk.Fill();

        var list = await stack.RunAsync("stack", "list");
        var show = await stack.RunAsync("stack", "show", "demo", "-f", "json");
        var outputs = await stack.RunAsync("stack", "output", "show", "demo", "--all");
        var create = await stack.RunAsync("stack", "create", "other", "-t", stack.TemplatePath);

        list.ExitCode.ShouldBe(0, list.ToString());
        CliStack.Json(show).GetProperty("stack_status").GetString().ShouldBe("CREATE_COMPLETE");
        outputs.Out.ShouldContain("second_value  hello!");
        create.ExitCode.ShouldBe(StateUnusable, create.ToString());
        create.Error.ShouldContain($"Cannot write the state database '{Path.Combine(stack.State, "hearth.db")}': the disk is full.");
    }

    [Fact]
    public async Task StackList_FullDiskAndWritesOnlyInTheWal_ReadsThem()
    {
        // A crash leaves committed writes in hearth.db-wal; on a full disk SQLite cannot make the -shm index to read them.
        using var stack = new CliStack();
        await stack.CreateAsync();
        using var folder = new TempDirectory();
        var crashed = Path.Combine(folder.Path, "hearth.db");
        File.Copy(Path.Combine(stack.State, "hearth.db"), crashed);
        File.Copy(Path.Combine(stack.State, "hearth.key"), Path.Combine(folder.Path, "hearth.key"));
        await using (var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={crashed};Pooling=False"))
        {
            await writer.OpenAsync();
            await using var command = writer.CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint = 0; UPDATE stacks SET name = 'renamed'";
            await command.ExecuteNonQueryAsync();
            File.Copy(crashed + "-wal", Path.Combine(folder.Path, "kept-wal"));
        }

        Directory.Delete(stack.State, recursive: true);
        using var disk = StateMount.SmallDisk(stack.State, 1024);
        File.Copy(crashed, Path.Combine(stack.State, "hearth.db"));
        File.Copy(Path.Combine(folder.Path, "kept-wal"), Path.Combine(stack.State, "hearth.db-wal"));
        // The database's sealed values go with their key, as a backup keeps them.
        File.Copy(Path.Combine(folder.Path, "hearth.key"), Path.Combine(stack.State, "hearth.key"));
        disk.Fill();

        var list = await stack.RunAsync("stack", "list");

        list.ExitCode.ShouldBe(0, list.ToString());
        list.Out.ShouldContain("renamed");
    }
}
