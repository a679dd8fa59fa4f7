using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>
/// A failed deployment's event carries its failure (<c>hearth_failure</c>: the reason, the exit code, the tails of the
/// script's stderr and stdout, hidden values masked) in every JSON view of events: <c>hearth stack event list -f json</c>
/// on a local state and through a server, and Heat's <c>GET …/events</c> and <c>GET …/events/{id}</c>, whose own fields
/// stay Heat's so the real <c>openstack stack event list/show</c> still reads them.
/// </summary>
public sealed class FailedEventViewsTests
{
    /// <summary>The hidden parameter's value in <see cref="Templates.FailingScript"/>, which its script quotes.</summary>
    private const string Secret = "s3cr3t-value";

    [Fact]
    public async Task EventViews_ScriptFailedQuotingAHiddenValue_CarryTheFailureWithItsTailsMasked()
    {
        using var folder = new TempDirectory();
        using var both = await BothWays.StartAsync(folder);
        var template = folder.File("failing.yaml", Templates.FailingScript);
        (await both.LocalAsync("stack", "create", "failing", "-t", template, "--disable-rollback")).ExitCode.ShouldBe(1);
        (await both.RemoteAsync("stack", "create", "failing", "-t", template, "--disable-rollback")).ExitCode.ShouldBe(1);

        // The same JSON locally and through the server (BothWays compares them).
        var listed = await both.RunAsync("stack", "event", "list", "failing", "-f", "json");

        listed.ExitCode.ShouldBe(0, listed.Error);
        ShouldBeTheScriptsFailure(FailedEvent(JsonDocument.Parse(listed.Out).RootElement));
        listed.Out.ShouldNotContain(Secret);

        var endpoint = both.Url + "/v1/admin";
        using var api = new HeatApiClient(endpoint, both.Token);
        var events = await api.GetAsync("/stacks/failing/events");
        var failed = FailedEvent(events.Json().GetProperty("events"));
        ShouldBeTheScriptsFailure(failed);
        failed.GetProperty("resource_status_reason").GetString().ShouldBe("Deployment to server failed: Deployment exited with non-zero status code: 3");
        failed.GetProperty("logical_resource_id").GetString().ShouldBe("deployment");
        failed.GetProperty("resource_type").GetString().ShouldBe("OS::Heat::SoftwareDeployment");
        var eventId = failed.GetProperty("id").GetString() ?? "";
        var shown = await api.GetAsync($"/stacks/failing/resources/deployment/events/{eventId}");
        ShouldBeTheScriptsFailure(shown.Json().GetProperty("event"));
        var ofStatus = await api.GetAsync("/stacks/failing/resources/server/events");
        ofStatus.Json().GetProperty("events").EnumerateArray().Select(e => e.TryGetProperty("hearth_failure", out var none)).ShouldAllBe(carries => !carries, "only a failed step's event carries a failure");
        events.Body.ShouldNotContain(Secret);
        shown.Body.ShouldNotContain(Secret);

        // Heat's client reads the events as it reads Heat's, the extra member shown as a field of its own.
        var client = new OpenStackClient(endpoint, both.Token);
        var osList = await client.RunAsync("stack", "event", "list", "failing", "-f", "json");
        osList.ExitCode.ShouldBe(0, osList.ToString());
        osList.Json().EnumerateArray()
            .ShouldContain(e => e.GetProperty("resource_name").GetString() == "deployment" && e.GetProperty("resource_status").GetString() == "CREATE_FAILED");
        var osShow = await client.RunAsync("stack", "event", "show", "failing", "deployment", eventId, "-f", "json");
        osShow.ExitCode.ShouldBe(0, osShow.ToString());
        osShow.Json().GetProperty("resource_status").GetString().ShouldBe("CREATE_FAILED");
        osShow.Json().GetProperty("id").GetString().ShouldBe(eventId);
        var osShowTable = await client.RunAsync("stack", "event", "show", "failing", "deployment", eventId);
        osShowTable.ExitCode.ShouldBe(0, osShowTable.ToString());
        osShowTable.Out.ShouldContain("cannot log in as ******");
        osShowTable.Out.ShouldNotContain(Secret);
    }

    /// <summary>The deployment's CREATE_FAILED event of a list.</summary>
    private static JsonElement FailedEvent(JsonElement events) =>
        events.EnumerateArray().Single(e => e.GetProperty("resource_name").GetString() == "deployment" && e.GetProperty("resource_status").GetString() == "CREATE_FAILED");

    private static void ShouldBeTheScriptsFailure(JsonElement evt)
    {
        var failure = evt.GetProperty("hearth_failure");
        failure.GetProperty("message").GetString().ShouldBe("Deployment to server failed: Deployment exited with non-zero status code: 3");
        failure.GetProperty("exit_code").GetInt32().ShouldBe(3);
        failure.GetProperty("stderr").GetString().ShouldBe("cannot log in as ******\n");
        failure.GetProperty("stdout").GetString().ShouldBe("step 1\nlogging in as ******\n");
    }
}
