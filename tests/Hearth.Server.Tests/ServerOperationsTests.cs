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

    private static Task WaitPausedAsync(HeatApiClient api, string stack) =>
        Poll.UntilAsync(
            async () =>
            {
                var events = await api.GetAsync($"/stacks/{stack}/events");
                events = events.Status == HttpStatusCode.Found
                    ? await api.SendAsync(HttpMethod.Get, events.Headers.Location?.ToString() ?? "", null, absolute: true)
                    : events;
                return events.Body.Contains("CREATE paused until Hook pre-create is cleared", StringComparison.Ordinal)
                    && (await api.StatusAsync(stack)) == "CREATE_IN_PROGRESS";
            },
            $"{stack} waits at its hook");
}
