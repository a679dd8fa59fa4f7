using System.Net;

namespace Hearth.Server.Tests;

/// <summary>Heat's v1 routes that the cycle with the OpenStack client does not reach, checked request by request.</summary>
public sealed class HeatApiTests
{
    private const string WithHidden = """
        heat_template_version: 2018-08-31
        parameters:
          secret: {type: string, default: s3cr3t-default, hidden: true}
        resources:
          first:
            type: OS::Heat::TestResource
            metadata: {role: db}
            properties: {value: one}
          second:
            type: OS::Heat::TestResource
            properties: {value: {get_attr: [first, output]}}
        """;

    [Fact]
    public async Task Routes_OfAStack_AnswerAsHeatDoes()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        var created = await api.CreateStackAsync("demo", WithHidden);
        created.Status.ShouldBe(HttpStatusCode.Created, created.ToString());
        var id = created.Json().GetProperty("stack").GetProperty("id").GetString();
        await Poll.UntilAsync(async () => await api.StatusAsync("demo") == "CREATE_COMPLETE", "demo is created");

        var lookup = await api.GetAsync("/stacks/demo?resolve_outputs=false");
        var byId = await api.GetAsync($"/stacks/demo/{id}");
        var wrongId = await api.GetAsync("/stacks/demo/not-its-id");
        var missing = await api.GetAsync("/stacks/nothing");
        var all = await api.GetAsync($"/stacks/demo/{id}/events");
        var firstTwo = await api.GetAsync($"/stacks/demo/{id}/events?limit=2");
        var afterTwo = await api.GetAsync($"/stacks/demo/{id}/events?marker={firstTwo.Json().GetProperty("events")[1].GetProperty("id").GetString()}");
        var last = await api.GetAsync($"/stacks/demo/{id}/events?sort_dir=desc&limit=1");
        var unknownMarker = await api.GetAsync($"/stacks/demo/{id}/events?marker=no-such-event");
        var negativeLimit = await api.GetAsync($"/stacks/demo/{id}/events?limit=-1");
        var wordDepth = await api.GetAsync($"/stacks/demo/{id}/events?nested_depth=deep");
        var ofFirst = await api.GetAsync($"/stacks/demo/{id}/resources/first/events");
        var metadata = await api.GetAsync($"/stacks/demo/{id}/resources/first/metadata");
        var template = await api.GetAsync($"/stacks/demo/{id}/template");
        var preview = await api.SendAsync(HttpMethod.Patch, $"/stacks/demo/{id}/preview", new Dictionary<string, object>());
        var cancel = await api.PostAsync($"/stacks/demo/{id}/actions", new Dictionary<string, object?> { ["cancel_update"] = null });
        var duplicate = await api.CreateStackAsync("demo", WithHidden);
        var broken = await api.CreateStackAsync("broken", "heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::No::Such}\n");

        lookup.Status.ShouldBe(HttpStatusCode.Found);
        lookup.Headers.Location?.ToString().ShouldBe($"{server.Endpoint}/stacks/demo/{id}?resolve_outputs=false");
        byId.Json().GetProperty("stack").GetProperty("parameters").GetProperty("secret").GetString().ShouldBe("******");
        wrongId.Status.ShouldBe(HttpStatusCode.NotFound, wrongId.ToString());
        missing.Status.ShouldBe(HttpStatusCode.NotFound, missing.ToString());
        missing.Json().GetProperty("error").GetProperty("type").GetString().ShouldBe("EntityNotFound");
        var events = Ids(all);
        events.Count.ShouldBe(6);
        Ids(firstTwo).ShouldBe(events[..2]);
        Ids(afterTwo).ShouldBe(events[2..]);
        // Heat 19 ignores a marker that names no event, and answers these with its own messages.
        Ids(unknownMarker).ShouldBe(events);
        negativeLimit.Status.ShouldBe(HttpStatusCode.BadRequest, negativeLimit.ToString());
        negativeLimit.Json().GetProperty("error").GetProperty("message").GetString().ShouldBe("Value '-1' is invalid for 'limit' which only accepts non-negative integer.");
        wordDepth.Status.ShouldBe(HttpStatusCode.BadRequest, wordDepth.ToString());
        wordDepth.Json().GetProperty("error").GetProperty("message").GetString().ShouldBe("Only integer is acceptable by 'nested_depth'.");
        var firstEvents = ofFirst.Json().GetProperty("events").EnumerateArray().ToList();
        firstEvents.Select(e => e.GetProperty("resource_name").GetString()).ShouldBe(["first", "first"]);
        var firstEventId = firstEvents[0].GetProperty("id").GetString();
        var shown = await api.GetAsync($"/stacks/demo/{id}/resources/first/events/{firstEventId}");
        var shownUnderOther = await api.GetAsync($"/stacks/demo/{id}/resources/second/events/{firstEventId}");
        shown.Json().GetProperty("event").GetProperty("id").GetString().ShouldBe(firstEventId);
        shownUnderOther.Status.ShouldBe(HttpStatusCode.NotFound, shownUnderOther.ToString());
        var stackEvent = last.Json().GetProperty("events").EnumerateArray().Single();
        stackEvent.GetProperty("resource_status").GetString().ShouldBe("CREATE_COMPLETE");
        stackEvent.GetProperty("physical_resource_id").GetString().ShouldBe(id);
        metadata.Json().GetProperty("metadata").GetProperty("role").GetString().ShouldBe("db");
        template.Json().GetProperty("parameters").GetProperty("secret").GetProperty("default").GetString().ShouldBe("******");
        template.Body.ShouldNotContain("s3cr3t-default");
        preview.Status.ShouldBe(HttpStatusCode.OK, preview.ToString());
        preview.Json().GetProperty("resource_changes").GetProperty("unchanged").GetArrayLength().ShouldBe(2);
        cancel.Status.ShouldBe(HttpStatusCode.Conflict, cancel.ToString());
        duplicate.Status.ShouldBe(HttpStatusCode.Conflict, duplicate.ToString());
        broken.Status.ShouldBe(HttpStatusCode.BadRequest, broken.ToString());
        broken.Body.ShouldContain("OS::No::Such");
    }

    private static List<string?> Ids(HeatApiClient.Response events) =>
        [.. events.Json().GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString())];
}
