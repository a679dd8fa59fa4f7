using System.Net;
using System.Net.Http.Headers;

namespace Hearth.Server.Tests;

/// <summary>Every API request needs a token: none or an unknown (or revoked) one is 401, a read-only one writing is 403.</summary>
public sealed class TokenAuthenticationTests
{
    [Fact]
    public async Task Request_WithoutOrWithUnknownOrRevokedToken_Is401()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var revoked = await ServerProcess.CreateTokenAsync(state, "old");
        (await ServerProcess.HearthAsync(state, "token", "revoke", "old")).ExitCode.ShouldBe(0);
        using var server = await ServerProcess.StartAsync(state);
        using var anonymous = new HeatApiClient(server.Endpoint, null);
        using var unknown = new HeatApiClient(server.Endpoint, "hearth_" + new string('0', 64));
        using var withRevoked = new HeatApiClient(server.Endpoint, revoked);

        var none = await anonymous.GetAsync("/stacks");
        var write = await anonymous.CreateStackAsync("demo", Templates.Greeting);
        var wrong = await unknown.GetAsync("/stacks");
        var old = await withRevoked.GetAsync("/stacks");

        none.Status.ShouldBe(HttpStatusCode.Unauthorized, none.ToString());
        (none.Json().GetProperty("error").GetProperty("message").GetString() ?? "").ShouldContain("a token is required");
        write.Status.ShouldBe(HttpStatusCode.Unauthorized, write.ToString());
        wrong.Status.ShouldBe(HttpStatusCode.Unauthorized, wrong.ToString());
        old.Status.ShouldBe(HttpStatusCode.Unauthorized, old.ToString());
        (await ServerProcess.HearthAsync(state, "stack", "list", "-f", "json")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task ReadOnlyToken_ReadingAndWriting_ReadsAndIs403()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var viewer = await ServerProcess.CreateTokenAsync(state, "viewer", readOnly: true);
        var operatorToken = await ServerProcess.CreateTokenAsync(state, "operator");
        using var server = await ServerProcess.StartAsync(state);
        using var reader = new HeatApiClient(server.Endpoint, viewer);
        using var writer = new HeatApiClient(server.Endpoint, operatorToken);

        var refused = await reader.CreateStackAsync("demo", Templates.Greeting);
        var created = await writer.CreateStackAsync("demo", Templates.Greeting);
        var list = await reader.GetAsync("/stacks");
        var delete = await reader.DeleteAsync("/stacks/demo");

        refused.Status.ShouldBe(HttpStatusCode.Forbidden, refused.ToString());
        refused.Json().GetProperty("error").GetProperty("message").GetString().ShouldBe("the token 'viewer' is read-only");
        created.Status.ShouldBe(HttpStatusCode.Created, created.ToString());
        list.Status.ShouldBe(HttpStatusCode.OK, list.ToString());
        list.Json().GetProperty("stacks").EnumerateArray().Single().GetProperty("stack_name").GetString().ShouldBe("demo");
        delete.Status.ShouldBe(HttpStatusCode.Forbidden, delete.ToString());
    }

    [Fact]
    public async Task BearerToken_Accepted_AsXAuthTokenIs()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var server = await ServerProcess.StartAsync(state);
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Endpoint + "/stacks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
