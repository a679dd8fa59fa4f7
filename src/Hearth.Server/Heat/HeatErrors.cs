using Hearth.Engine.Operations;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Heat;

/// <summary>
/// Errors as Heat's API writes them (<c>{"code", "title", "explanation", "error": {"type", "message"}}</c>): the
/// OpenStack client prints <c>error.message</c>. Template errors keep their diagnostics, one per line.
/// </summary>
internal static class HeatErrors
{
    public static IResult Of(EngineException e)
    {
        var message = e.Diagnostics.IsEmpty ? e.Message : string.Join('\n', e.Diagnostics.Select(d => d.ToString()).Prepend(e.Message));
        return e.Kind switch
        {
            EngineErrorKind.NotFound => Result(StatusCodes.Status404NotFound, "Not Found", "EntityNotFound", message, e.Suggestion),
            EngineErrorKind.Busy => Result(StatusCodes.Status409Conflict, "Conflict", "ActionInProgress", message, e.Suggestion),
            EngineErrorKind.Conflict => Result(StatusCodes.Status409Conflict, "Conflict", "StackExists", message, e.Suggestion),
            _ => Result(StatusCodes.Status400BadRequest, "Bad Request", "StackValidationFailed", message, e.Suggestion),
        };
    }

    public static IResult BadRequest(string message) => Result(StatusCodes.Status400BadRequest, "Bad Request", "HTTPBadRequest", message);

    public static IResult NotFound(string message) => Result(StatusCodes.Status404NotFound, "Not Found", "EntityNotFound", message);

    public static IResult Unauthorized(string message) => Result(StatusCodes.Status401Unauthorized, "Unauthorized", "HTTPUnauthorized", message);

    public static IResult Forbidden(string message) => Result(StatusCodes.Status403Forbidden, "Forbidden", "Forbidden", message);

    private static IResult Result(int code, string title, string type, string message, SuggestedAction? suggestion = null)
    {
        var error = new Dictionary<string, object?> { ["type"] = type, ["message"] = message, ["traceback"] = null };
        if (suggestion is not null)
        {
            // Hearth's own field (Heat's client ignores it): the CLI as a client renders it as its own command.
            error["suggestion"] = new Dictionary<string, object?> { ["kind"] = suggestion.Kind.ToString(), ["stack_name"] = suggestion.StackName };
        }

        var body = new Dictionary<string, object?> { ["code"] = code, ["title"] = title, ["explanation"] = message, ["error"] = error };
        return HeatJson.Result(body, code);
    }
}
