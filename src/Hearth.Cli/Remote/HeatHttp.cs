using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
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
    /// <summary>How long a request may take to be answered; an event stream, once answered, is read for as long as it lasts.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How many times in a row a dropped event stream is reopened without having brought a new event.</summary>
    private const int StreamRetries = 3;

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
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
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

        using var response = await AnswerAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
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

    /// <summary>
    /// The events of a stream that ends (<c>…/events/stream?until=…</c>), after <paramref name="afterSequence"/>, each as
    /// its JSON; a 404 is <paramref name="missing"/>. A connection that drops before the server's <c>event: end</c> is
    /// reopened with <c>Last-Event-ID</c>, so nothing is missed and nothing comes twice.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyDictionary<string, object?>> EventsAsync(
        string path, long afterSequence, Func<Exception> missing, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = afterSequence;
        var drops = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Endpoint + path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (after > 0)
            {
                request.Headers.Add("Last-Event-ID", after.ToString(CultureInfo.InvariantCulture));
            }

            using var response = await AnswerAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw response.StatusCode == HttpStatusCode.NotFound
                    ? missing()
                    : Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(body, Encoding.UTF8);
            var ended = false;
            var before = after;
            await foreach (var message in ServerSentMessages.ReadAsync(reader, cancellationToken))
            {
                if (message.Event == Engine.Events.ServerSentEvents.EndEvent)
                {
                    ended = true;
                    break;
                }

                after = message.Id;
                yield return message.Data;
            }

            if (ended)
            {
                yield break;
            }

            drops = after > before ? 1 : drops + 1;
            if (drops > StreamRetries)
            {
                throw new UserErrorException($"the server {Endpoint} keeps closing the event stream", ExitCodes.StateUnusable);
            }
        }
    }

    /// <summary>The server's answer (its headers, at least), within <see cref="RequestTimeout"/>; an unreachable server is the user's to fix.</summary>
    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            return await http.SendAsync(request, completion, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new UserErrorException($"cannot reach the server {Endpoint}: {e.Message}", ExitCodes.StateUnusable);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UserErrorException($"the server {Endpoint} did not answer within {RequestTimeout.TotalMinutes} minutes", ExitCodes.StateUnusable);
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
