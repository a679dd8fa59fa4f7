using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hearth.Engine.Operations;
using Hearth.Templates.Values;

namespace Hearth.Cli.Remote;

/// <summary>
/// Requests to a <c>hearth server</c>'s Heat v1 API with the user's token, and its answers turned back into what the
/// local engine would have done: a JSON value, or the <see cref="EngineException"/> (or, for the token, the
/// <see cref="UserErrorException"/>) the CLI already knows how to print.
/// </summary>
internal sealed class HeatHttp(HttpClient http, string endpoint) : IDisposable
{
    public string Endpoint { get; } = endpoint;

    public static HeatHttp Create(string server, string? token)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UserErrorException($"--server / HEARTH_SERVER must be an http:// or https:// URL, not '{server}'");
        }

        // Hearth has no projects: any tenant names the same stacks, as the OpenStack client's …/v1/admin does.
        var root = server.TrimEnd('/');
        var endpoint = root.Contains("/v1/", StringComparison.Ordinal) ? root : root + "/v1/hearth";
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrEmpty(token))
        {
            // X-Auth-Token, as the OpenStack client sends it: unlike Authorization, it survives the name→id redirect.
            http.DefaultRequestHeaders.Add("X-Auth-Token", token);
        }

        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return new HeatHttp(http, endpoint);
    }

    public static string Segment(string text) => Uri.EscapeDataString(text);

    /// <summary>The answer's JSON, or null for a 404 when <paramref name="missingIsNull"/>.</summary>
    public async Task<object?> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, bool missingIsNull = false)
    {
        using var request = new HttpRequestMessage(method, Endpoint + path);
        if (body is not null)
        {
            request.Content = new StringContent(ValueJson.Serialize(body), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new UserErrorException($"cannot reach the server {Endpoint}: {e.Message}", ExitCodes.StateUnusable);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return string.IsNullOrWhiteSpace(text) ? null : ValueJson.Deserialize(text);
            }

            if (missingIsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            throw Refusal(response.StatusCode, text);
        }
    }

    private Exception Refusal(HttpStatusCode status, string text)
    {
        var error = (ValueJson.Deserialize(string.IsNullOrWhiteSpace(text) ? "{}" : text) as IReadOnlyDictionary<string, object?>)
            ?.GetValueOrDefault("error") as IReadOnlyDictionary<string, object?>;
        var message = error?.GetValueOrDefault("message") as string ?? $"{(int)status} {status}";
        var type = error?.GetValueOrDefault("type") as string;
        return status switch
        {
            HttpStatusCode.Unauthorized => new UserErrorException($"the server {Endpoint} refused the token: {message} (give one made by 'hearth token create' with --token or HEARTH_TOKEN)", ExitCodes.AccessDenied),
            HttpStatusCode.Forbidden => new UserErrorException($"the server {Endpoint} refused the request: {message}", ExitCodes.AccessDenied),
            HttpStatusCode.NotFound => new EngineException(EngineErrorKind.NotFound, message, suggestion: Suggestion(error)),
            HttpStatusCode.Conflict when type == "ActionInProgress" => new EngineException(EngineErrorKind.Busy, message, suggestion: Suggestion(error)),
            HttpStatusCode.Conflict => new EngineException(EngineErrorKind.Conflict, message, suggestion: Suggestion(error)),
            HttpStatusCode.BadRequest => new EngineException(EngineErrorKind.InvalidInput, message, suggestion: Suggestion(error)),
            _ => new UserErrorException($"the server {Endpoint} failed: {message}", ExitCodes.OperationFailed),
        };
    }

    /// <summary>The server sends the engine's suggestion as data (<c>error.suggestion</c>), so the CLI renders it as for a local engine.</summary>
    private static SuggestedAction? Suggestion(IReadOnlyDictionary<string, object?>? error) =>
        error?.GetValueOrDefault("suggestion") is IReadOnlyDictionary<string, object?> s
        && Enum.TryParse<SuggestedActionKind>(s.GetValueOrDefault("kind") as string, out var kind)
        && s.GetValueOrDefault("stack_name") is string stack
            ? new SuggestedAction(kind, stack)
            : null;

    public void Dispose() => http.Dispose();
}
