using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>
/// <c>openstack stack …</c>, the real client, drives <c>hearth server</c> through a whole cycle: create and wait, list,
/// show, outputs, resources, events, a hook polled and cleared, an update of the stored template with a new parameter,
/// and a delete.
/// </summary>
public sealed class OpenStackClientTests
{
    [Fact]
    public async Task OpenStackClient_WholeCycle_CreatesReadsHooksUpdatesAndDeletes()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var template = folder.File("greeting.yaml", Templates.Greeting);
        var hooks = folder.File("hooks.yaml", Templates.Hooks);
        var token = await ServerProcess.CreateTokenAsync(state, "operator");
        using var server = await ServerProcess.StartAsync(state);
        var client = new OpenStackClient(server.Endpoint, token);

        var create = await client.RunAsync("stack", "create", "demo", "-t", template, "--parameter", "name=world", "--wait", "--poll", "1", "-f", "json");
        create.ExitCode.ShouldBe(0, create.ToString());
        create.Json().GetProperty("stack_status").GetString().ShouldBe("CREATE_COMPLETE");

        var list = await client.RunAsync("stack", "list", "-f", "json");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Json().EnumerateArray().Select(s => (s.GetProperty("Stack Name").GetString(), s.GetProperty("Stack Status").GetString()))
            .ShouldBe([("demo", "CREATE_COMPLETE")]);

        var show = await client.RunAsync("stack", "show", "demo", "-f", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        show.Json().GetProperty("parameters").GetProperty("name").GetString().ShouldBe("world");
        show.Json().GetProperty("description").GetString().ShouldBe("Says hello.");

        var output = await client.RunAsync("stack", "output", "show", "demo", "greeting", "-f", "json");
        output.ExitCode.ShouldBe(0, output.ToString());
        output.Json().GetProperty("output_value").GetString().ShouldBe("Hello world");

        var resources = await client.RunAsync("stack", "resource", "list", "demo", "-f", "json");
        resources.ExitCode.ShouldBe(0, resources.ToString());
        resources.Json().EnumerateArray().Select(r => (r.GetProperty("resource_name").GetString(), r.GetProperty("resource_status").GetString()))
            .OrderBy(r => r.Item1).ShouldBe([("after", "CREATE_COMPLETE"), ("greeting", "CREATE_COMPLETE")]);

        var events = await client.RunAsync("stack", "event", "list", "demo");
        events.ExitCode.ShouldBe(0, events.ToString());
        events.Out.ShouldContain("[demo.greeting]: CREATE_COMPLETE");
        events.Out.ShouldContain("[demo]: CREATE_COMPLETE  Stack CREATE completed successfully");

        // A stack paused at a hook: the client finds it by polling and releases it.
        var hooked = await client.RunAsync("stack", "create", "hooked", "-t", template, "-e", hooks);
        hooked.ExitCode.ShouldBe(0, hooked.ToString());
        await Poll.UntilAsync(async () => (await client.RunAsync("stack", "hook", "poll", "hooked")).Out.Contains("CREATE paused until Hook pre-create is cleared", StringComparison.Ordinal),
            "the client's hook poll shows 'after' paused");
        var clear = await client.RunAsync("stack", "hook", "clear", "hooked", "after", "--pre-create");
        clear.ExitCode.ShouldBe(0, clear.ToString());
        await Poll.UntilAsync(async () => (await client.RunAsync("stack", "show", "hooked", "-c", "stack_status", "-f", "value")).Out.Trim() == "CREATE_COMPLETE",
            "the hooked stack completes once its hook is cleared");

        var update = await client.RunAsync("stack", "update", "demo", "--existing", "--parameter", "name=Hearth", "--wait");
        update.ExitCode.ShouldBe(0, update.ToString());
        var updated = await client.RunAsync("stack", "output", "show", "demo", "greeting", "-f", "json");
        updated.Json().GetProperty("output_value").GetString().ShouldBe("Hello Hearth");
        var status = await client.RunAsync("stack", "show", "demo", "-c", "stack_status", "-f", "value");
        status.Out.Trim().ShouldBe("UPDATE_COMPLETE");

        var delete = await client.RunAsync("stack", "delete", "demo", "hooked", "--yes", "--wait");
        delete.ExitCode.ShouldBe(0, delete.ToString());
        var after = await client.RunAsync("stack", "list", "-f", "json");
        after.Json().GetArrayLength().ShouldBe(0, after.ToString());
        var (exit, stacks, _) = await ServerProcess.HearthAsync(state, "stack", "list", "-f", "json");
        exit.ShouldBe(0);
        JsonDocument.Parse(stacks).RootElement.GetArrayLength().ShouldBe(0);
    }
}
