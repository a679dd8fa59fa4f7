using System.Net;

namespace Hearth.Server.Tests;

/// <summary>
/// Operations run inside the server: they outlive the request, reads answer while one waits, and a server killed in the
/// middle of one finds it when restarted and resumes it, or leaves it for <c>hearth stack resume</c>/<c>cancel</c>.
/// </summary>
public sealed class ServerOperationsTests
{
    [Fact]
    public async Task Reads_WhileAnOperationWaitsAtAHook_AreAnswered()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);

        (await api.CreateStackAsync("hooked", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
        await WaitPausedAsync(api, "hooked");

        var list = await api.GetAsync("/stacks");
        var resources = await api.GetAsync("/stacks/hooked/resources");
        var events = await api.GetAsync("/stacks/hooked/events");
        var second = await api.CreateStackAsync("other", Templates.Greeting);

        list.Status.ShouldBe(HttpStatusCode.OK, list.ToString());
        list.Json().GetProperty("stacks").EnumerateArray().Single().GetProperty("stack_status").GetString().ShouldBe("CREATE_IN_PROGRESS");
        resources.Json().GetProperty("resources").EnumerateArray()
            .Select(r => (r.GetProperty("resource_name").GetString(), r.GetProperty("resource_status").GetString()))
            .OrderBy(r => r.Item1).ShouldBe([("after", "INIT_COMPLETE"), ("greeting", "CREATE_COMPLETE")]);
        events.Status.ShouldBe(HttpStatusCode.OK, events.ToString());
        // Another stack's operation runs beside the waiting one.
        second.Status.ShouldBe(HttpStatusCode.Created, second.ToString());
        await Poll.UntilAsync(async () => await api.StatusAsync("other") == "CREATE_COMPLETE", "the second stack is created while the first waits");
        (await api.StatusAsync("hooked")).ShouldBe("CREATE_IN_PROGRESS");
    }

    [Fact]
    public async Task Server_KilledDuringAnOperation_ResumesItWhenRestarted()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using (var first = await ServerProcess.StartAsync(state))
        {
            using var api = new HeatApiClient(first.Endpoint, token);
            (await api.CreateStackAsync("hooked", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
            await WaitPausedAsync(api, "hooked");
            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(state);
        using var again = new HeatApiClient(second.Endpoint, token);
        await WaitPausedAsync(again, "hooked");
        var clear = await again.PostAsync("/stacks/hooked/resources/after/signal", new Dictionary<string, string> { ["unset_hook"] = "pre-create" });

        clear.Status.ShouldBe(HttpStatusCode.OK, clear.ToString());
        await Poll.UntilAsync(async () => await again.StatusAsync("hooked") == "CREATE_COMPLETE", "the resumed create completes once its hook is cleared");
        var output = await again.GetAsync("/stacks/hooked/outputs/greeting");
        // The lookup of a name answers with a redirect; the output is read under name/id.
        output = output.Status == HttpStatusCode.OK ? output : await again.SendAsync(HttpMethod.Get, output.Headers.Location?.ToString() ?? "", null, absolute: true);
        output.Json().GetProperty("output").GetProperty("output_value").GetString().ShouldBe("Hello world");
    }

    [Fact]
    public async Task Server_RestartedToLeaveInterrupted_LeavesTheOperationForTheUser()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using (var first = await ServerProcess.StartAsync(state))
        {
            using var api = new HeatApiClient(first.Endpoint, token);
            (await api.CreateStackAsync("hooked", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
            await WaitPausedAsync(api, "hooked");
            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(state, null, "--interrupted", "leave");
        var show = await ServerProcess.HearthAsync(state, "stack", "show", "hooked");
        var (exit, error) = await second.StopAsync();

        show.Out.ShouldContain("CREATE_IN_PROGRESS (interrupted)");
        exit.ShouldBe(0, error);
        error.ShouldContain("stack hooked was interrupted: left for 'hearth stack resume' or 'hearth stack cancel'");
    }

    [Fact]
    public async Task CancelUpdate_OfAnUpdateWaitingAtAHook_RollsItBackAfterABusyRefusal()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        (await api.CreateStackAsync("hooked", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
        await WaitPausedAsync(api, "hooked");
        (await api.PostAsync("/stacks/hooked/resources/after/signal", new Dictionary<string, string> { ["unset_hook"] = "pre-create" })).Status.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(async () => await api.StatusAsync("hooked") == "CREATE_COMPLETE", "the create completes");

        var update = await api.SendAsync(HttpMethod.Patch, "/stacks/hooked", new Dictionary<string, object> { ["parameters"] = new Dictionary<string, string> { ["name"] = "Hearth" } });
        update.Status.ShouldBe(HttpStatusCode.Accepted, update.ToString());
        await Poll.UntilAsync(async () => (await ShowEventsAsync(api, "hooked")).Contains("UPDATE paused until Hook pre-update is cleared", StringComparison.Ordinal), "the update waits at its hook");
        var busy = await api.SendAsync(HttpMethod.Patch, "/stacks/hooked", new Dictionary<string, object>());
        var cancel = await api.PostAsync("/stacks/hooked/actions", new Dictionary<string, object?> { ["cancel_update"] = null });

        busy.Status.ShouldBe(HttpStatusCode.Conflict, busy.ToString());
        cancel.Status.ShouldBe(HttpStatusCode.Accepted, cancel.ToString());
        await Poll.UntilAsync(async () => await api.StatusAsync("hooked") == "ROLLBACK_COMPLETE", "the cancelled update is rolled back");
        var output = await api.SendAsync(HttpMethod.Get, (await api.GetAsync("/stacks/hooked")).Headers.Location + "/outputs/greeting", null, absolute: true);
        output.Json().GetProperty("output").GetProperty("output_value").GetString().ShouldBe("Hello world");
    }

    private static async Task<string> ShowEventsAsync(HeatApiClient api, string stack)
    {
        var events = await api.GetAsync($"/stacks/{stack}/events");
        return events.Status == HttpStatusCode.Found
            ? (await api.SendAsync(HttpMethod.Get, events.Headers.Location?.ToString() ?? "", null, absolute: true)).Body
            : events.Body;
    }

    private static Task WaitPausedAsync(HeatApiClient api, string stack) =>
        Poll.UntilAsync(
            async () =>
            {
                return (await ShowEventsAsync(api, stack)).Contains("CREATE paused until Hook pre-create is cleared", StringComparison.Ordinal)
                    && (await api.StatusAsync(stack)) == "CREATE_IN_PROGRESS";
            },
            $"{stack} waits at its hook");
}
