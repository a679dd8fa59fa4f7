using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.Server.Tests;

/// <summary>Plain HTTP requests to a server's Heat API, with a token in <c>X-Auth-Token</c> (or none).</summary>
internal sealed class HeatApiClient(string endpoint, string? token, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TestTimeouts.Default };

    public sealed record Response(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)
    {
        public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

        public override string ToString() => $"{(int)Status} {Status}\n{Body}";
    }

    public Task<Response> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<Response> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<Response> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    /// <summary>Creates a stack as Heat's client does: the template as text (JSON or YAML), an environment, parameters.</summary>
    public Task<Response> CreateStackAsync(string name, string template, string? environment = null) =>
        PostAsync("/stacks", new Dictionary<string, object?>
        {
            ["stack_name"] = name,
            ["template"] = template,
            ["environment"] = environment ?? "",
            ["parameters"] = new Dictionary<string, string>(),
        });

    /// <summary>The stack's status as <c>GET /stacks/{name}</c>, after its redirect, says.</summary>
    public async Task<string?> StatusAsync(string name)
    {
        var lookup = await GetAsync($"/stacks/{name}");
        if (lookup.Status != HttpStatusCode.Found)
        {
            return null;
        }

        var show = await SendAsync(HttpMethod.Get, lookup.Headers.Location?.ToString() ?? "", null, absolute: true);
        return show.Json().GetProperty("stack").GetProperty("stack_status").GetString();
    }

    public async Task<Response> SendAsync(HttpMethod method, string path, object? body, bool absolute = false)
    {
        using var request = new HttpRequestMessage(method, absolute ? path : endpoint + path);
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request).WaitAsync(TestTimeouts.Default);
        return new Response(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    public void Dispose() => _http.Dispose();
}
