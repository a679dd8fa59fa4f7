using Hearth.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's v1 API under <c>/v1/{tenant_id}</c>, as far as the OpenStack client's <c>openstack stack …</c> uses it. Hearth
/// has no projects: any tenant id names the one set of stacks (the client is told <c>…/v1/admin</c>).
/// </summary>
internal static class HeatApi
{
    /// <summary>Maps the routes; returns the authenticated <c>/v1/{tenant_id}</c> group, where more routes (the event feed) belong.</summary>
    public static RouteGroupBuilder MapHeatApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => HeatJson.Result(new Dictionary<string, object?>
        {
            ["versions"] = new List<object?> { new Dictionary<string, object?> { ["id"] = "v1.0", ["status"] = "CURRENT" } },
        }, StatusCodes.Status300MultipleChoices));

        var v1 = app.MapGroup("/v1/{tenant_id}");
        v1.AddEndpointFilter<HeatErrorFilter>();
        v1.AddEndpointFilter<TokenAuthentication>();
        StackEndpoints.Map(v1);
        ResourceEndpoints.Map(v1);
        EventEndpoints.Map(v1);
        return v1;
    }
}
