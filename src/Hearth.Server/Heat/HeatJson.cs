using System.Text.Json;
using Hearth.Templates.Values;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Heat;

/// <summary>Request and response bodies as plain data (maps, lists, strings…), written and read as template values are.</summary>
internal static class HeatJson
{
    public static IResult Result(object? body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(ValueJson.Serialize(body), "application/json", System.Text.Encoding.UTF8, statusCode);

    /// <summary>The request's JSON, whatever value it is; null for an empty body.</summary>
    /// <exception cref="BadHeatRequestException">The body is not JSON.</exception>
    public static async Task<object?> ReadValueAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : ValueJson.Deserialize(text);
        }
        catch (JsonException e)
        {
            throw new BadHeatRequestException($"the request body is not JSON: {e.Message}");
        }
    }

    /// <summary>The request's JSON object; an empty body is an empty object.</summary>
    /// <exception cref="BadHeatRequestException">The body is not a JSON object.</exception>
    public static async Task<IReadOnlyDictionary<string, object?>> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await ReadValueAsync(request, cancellationToken) switch
        {
            null => Value.NewMap(),
            IReadOnlyDictionary<string, object?> map => map,
            _ => throw new BadHeatRequestException("the request body must be a JSON object"),
        };
}

/// <summary>A request the API cannot read (not JSON, a field of the wrong type): 400 with the message.</summary>
internal sealed class BadHeatRequestException(string message) : Exception(message);
