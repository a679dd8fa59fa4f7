using System.Net;
using System.Text;
using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>The browser signs in with a token and gets an HttpOnly, SameSite=Strict cookie that carries the token's rights.</summary>
public sealed class BrowserSignInTests
{
    [Fact]
    public async Task SignIn_WithToken_SetsHttpOnlyStrictCookieThatReadsAndWritesWithItsRights()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var operatorToken = await ServerProcess.CreateTokenAsync(state, "operator");
        var viewerToken = await ServerProcess.CreateTokenAsync(state, "viewer", readOnly: true);
        using var server = await ServerProcess.StartAsync(state);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TestTimeouts.Default };

        using var wrong = await SignInAsync(http, server, "hearth_" + new string('0', 64));
        using var signedIn = await SignInAsync(http, server, operatorToken);
        using var viewerSignedIn = await SignInAsync(http, server, viewerToken);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        var operatorCookie = cookie.Split(';')[0];
        var viewerCookie = viewerSignedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        wrong.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        wrong.Headers.Location?.ToString().ShouldBe("/dashboard/?signin=failed");
        wrong.Headers.Contains("Set-Cookie").ShouldBeFalse();
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location?.ToString().ShouldBe("/dashboard/");
        cookie.ToLowerInvariant().ShouldContain("httponly");
        cookie.ToLowerInvariant().ShouldContain("samesite=strict");
        cookie.ToLowerInvariant().ShouldContain("path=/");

        (await SendAsync(http, server, HttpMethod.Get, "/dashboard/", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(http, server, HttpMethod.Get, "/v1/admin/stacks", null)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(http, server, HttpMethod.Get, "/v1/admin/stacks", operatorCookie)).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(http, server, HttpMethod.Get, "/v1/admin/dashboard/stacks", viewerCookie)).Status.ShouldBe(HttpStatusCode.OK);
        var bareWrite = await SendAsync(http, server, HttpMethod.Post, "/v1/admin/stacks", operatorCookie, Create("bare"));
        bareWrite.Status.ShouldBe(HttpStatusCode.Forbidden, bareWrite.Body);
        bareWrite.Body.ShouldContain("needs the X-Hearth-Request header");
        var viewerWrite = await SendAsync(http, server, HttpMethod.Post, "/v1/admin/stacks", viewerCookie, Create("viewer"), fromPage: true);
        viewerWrite.Status.ShouldBe(HttpStatusCode.Forbidden, viewerWrite.Body);
        viewerWrite.Body.ShouldContain("is read-only");
        var pageWrite = await SendAsync(http, server, HttpMethod.Post, "/v1/admin/stacks", operatorCookie, Create("demo"), fromPage: true);
        pageWrite.Status.ShouldBe(HttpStatusCode.Created, pageWrite.Body);

        (await ServerProcess.HearthAsync(state, "token", "revoke", "operator")).ExitCode.ShouldBe(0);
        (await SendAsync(http, server, HttpMethod.Get, "/v1/admin/stacks", operatorCookie)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static string Create(string name) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["stack_name"] = name,
        ["template"] = Templates.Greeting,
        ["parameters"] = new Dictionary<string, string>(),
    });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, ServerProcess server, string token) =>
        await http.PostAsync(server.Url + "/sign-in", new FormUrlEncodedContent([new("token", token)]));

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, ServerProcess server, HttpMethod method, string path, string? cookie, string? json = null, bool fromPage = false)
    {
        using var request = new HttpRequestMessage(method, server.Url + path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (fromPage)
        {
            request.Headers.Add("X-Hearth-Request", "1");
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
