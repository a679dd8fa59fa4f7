using Hearth.Hosting;
using Hearth.Server.Heat;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Auth;

/// <summary>
/// Every API request shows a token (<c>X-Auth-Token</c>, as the OpenStack client sends it, or
/// <c>Authorization: Bearer</c>, or a browser's sign-in cookie): none or an unknown one is 401; a read-only token asking for
/// anything but a read (a GET, or a route marked <see cref="ChangesNothing"/>) is 403.
/// </summary>
internal sealed class TokenAuthentication(ApiTokens tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ChangesNothing>() is not null;
        var secret = Secret(request);
        if (secret is null && request.Cookies[BrowserSignIn.CookieName] is { Length: > 0 } cookie)
        {
            if (!isRead && !request.Headers.ContainsKey(BrowserSignIn.WriteHeader))
            {
                return HeatErrors.Forbidden($"a write signed in by cookie needs the {BrowserSignIn.WriteHeader} header");
            }

            secret = cookie;
        }

        if (secret is null)
        {
            return HeatErrors.Unauthorized("a token is required: X-Auth-Token or Authorization: Bearer (hearth token create NAME)");
        }

        var token = await tokens.FindAsync(secret, context.HttpContext.RequestAborted);
        if (token is null)
        {
            return HeatErrors.Unauthorized("the token is not valid (unknown or revoked)");
        }

        if (token.ReadOnly && !isRead)
        {
            return HeatErrors.Forbidden($"the token '{token.Name}' is read-only");
        }

        return await next(context);
    }

    private static string? Secret(HttpRequest request)
    {
        if (request.Headers["X-Auth-Token"].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        const string Bearer = "Bearer ";
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > Bearer.Length
            ? authorization[Bearer.Length..].Trim()
            : null;
    }
}
