using Hearth.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Auth;

/// <summary>
/// A browser signs in once with a token and from then on shows a cookie instead: HttpOnly (the dashboard's scripts never
/// hold the token), SameSite=Strict (no other site's page sends it), Secure on https. The cookie carries the token
/// itself, so revoking the token signs the browser out too, and the token's rights (read-only) are the cookie's.
/// </summary>
internal static class BrowserSignIn
{
    public const string CookieName = "hearth_token";

    /// <summary>
    /// A write authenticated by the cookie must carry this header: a page of another origin cannot add it without a CORS
    /// preflight the server never grants, so the cookie alone never makes a write (SameSite aside, for older browsers).
    /// </summary>
    public const string WriteHeader = "X-Hearth-Request";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/sign-in", SignInAsync).DisableAntiforgery();
        app.MapPost("/sign-out", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(CookieName, Options(http));
            return Results.Redirect("/dashboard/");
        }).DisableAntiforgery();
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ApiTokens tokens)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var secret = form["token"].ToString().Trim();
        if (secret.Length == 0 || await tokens.FindAsync(secret, http.RequestAborted) is null)
        {
            return Results.Redirect("/dashboard/?signin=failed");
        }

        http.Response.Cookies.Append(CookieName, secret, Options(http));
        return Results.Redirect("/dashboard/");
    }

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
