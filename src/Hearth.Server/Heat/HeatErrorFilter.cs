using Hearth.Engine.Operations;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Heat;

/// <summary>Refusals (the engine's typed errors, unreadable requests) as Heat's error bodies; anything else is a bug and a 500.</summary>
internal sealed class HeatErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (EngineException e)
        {
            return HeatErrors.Of(e);
        }
        catch (BadHeatRequestException e)
        {
            return HeatErrors.BadRequest(e.Message);
        }
    }
}
