using Hearth.Engine.Operations;
using Hearth.Hosting;
using Microsoft.AspNetCore.Builder;
using Hearth.Templates.Values;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's resource routes: list (with <c>nested_depth</c>), show, metadata, and signal, whose <c>{"unset_hook": …}</c>
/// is how the OpenStack client clears a hook (<c>openstack stack hook clear</c>).
/// </summary>
internal static class ResourceEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var prefix in new[] { "/stacks/{stack_name}", "/stacks/{stack_name}/{stack_id}" })
        {
            v1.MapGet(prefix + "/resources", ListAsync);
            v1.MapGet(prefix + "/resources/{resource_name}", ShowAsync);
            v1.MapGet(prefix + "/resources/{resource_name}/metadata", MetadataAsync);
            v1.MapPost(prefix + "/resources/{resource_name}/signal", SignalAsync);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, int? nested_depth, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var links = new HeatLinks(http.Request, tenant_id);
        var resources = await host.Engine.ListResourcesAsync(stack.Name, Math.Max(0, nested_depth ?? 0), http.RequestAborted);
        var views = resources.Select(r => (object?)HeatApiViews.Resource(links, stack, r)).ToList();
        // Heat lists every resource of the template from the start, those not acted on yet as INIT_COMPLETE: its client
        // finds the resource whose hook it clears in this list, before the resource has done anything.
        var listed = resources.Where(r => r.StackName == stack.Name).Select(r => r.Resource.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in await host.Engine.GetGraphAsync(stack.Name, http.RequestAborted))
        {
            if (!listed.Contains(node.Name))
            {
                views.Add(HeatApiViews.NotStarted(links, stack, node.Name, node.Type));
            }
        }

        return HeatJson.Result(new Dictionary<string, object?> { ["resources"] = views });
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var (stack, resource) = await FindAsync(http, stack_name, stack_id, resource_name, host);
        var view = HeatApiViews.Resource(new HeatLinks(http.Request, tenant_id), stack, resource);
        view["attributes"] = ValueJson.DeserializeMap(resource.Resource.AttributesJson);
        view["description"] = "";
        return HeatJson.Result(new Dictionary<string, object?> { ["resource"] = view });
    }

    private static async Task<IResult> MetadataAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var (_, resource) = await FindAsync(http, stack_name, stack_id, resource_name, host);
        return HeatJson.Result(new Dictionary<string, object?> { ["metadata"] = ValueJson.DeserializeMap(resource.Resource.MetadataJson) });
    }

    private static async Task<IResult> SignalAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var body = await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted);
        if (body.GetValueOrDefault("unset_hook") is { } hook)
        {
            var paused = (await host.Engine.ListHooksAsync(stack.Name, http.RequestAborted)).FirstOrDefault(h => h.Resource == resource_name);
            if (paused is null || !string.Equals(paused.Hook, hook as string, StringComparison.Ordinal))
            {
                throw new BadHeatRequestException($"The \"{hook}\" hook is not defined on {resource_name} or is not pending");
            }

            await host.Engine.ClearHookAsync(stack.Name, resource_name, http.RequestAborted);
        }
        else
        {
            await host.Engine.SignalAsync(stack.Name, resource_name, body, http.RequestAborted);
        }

        return Results.Ok();
    }

    private static async Task<(State.StackRecord Stack, StackResource Resource)> FindAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var resource = (await host.Engine.ListResourcesAsync(stack.Name, 0, http.RequestAborted)).FirstOrDefault(r => r.Resource.Name == resource_name)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"The Resource ({resource_name}) could not be found.");
        return (stack, resource);
    }
}
