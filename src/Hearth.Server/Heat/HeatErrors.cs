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
            EngineErrorKind.NotFound => Result(StatusCodes.Status404NotFound, "Not Found", "EntityNotFound", message),
            EngineErrorKind.Busy => Result(StatusCodes.Status409Conflict, "Conflict", "ActionInProgress", message),
            EngineErrorKind.Conflict => Result(StatusCodes.Status409Conflict, "Conflict", "StackExists", message),
            _ => Result(StatusCodes.Status400BadRequest, "Bad Request", "StackValidationFailed", message),
        };
    }

    public static IResult BadRequest(string message) => Result(StatusCodes.Status400BadRequest, "Bad Request", "HTTPBadRequest", message);

    public static IResult NotFound(string message) => Result(StatusCodes.Status404NotFound, "Not Found", "EntityNotFound", message);

    public static IResult Unauthorized(string message) => Result(StatusCodes.Status401Unauthorized, "Unauthorized", "HTTPUnauthorized", message);

    public static IResult Forbidden(string message) => Result(StatusCodes.Status403Forbidden, "Forbidden", "Forbidden", message);

    private static IResult Result(int code, string title, string type, string message)
    {
        var error = new Dictionary<string, object?> { ["type"] = type, ["message"] = message, ["traceback"] = null };
        var body = new Dictionary<string, object?> { ["code"] = code, ["title"] = title, ["explanation"] = message, ["error"] = error };
        return HeatJson.Result(body, code);
    }
}
