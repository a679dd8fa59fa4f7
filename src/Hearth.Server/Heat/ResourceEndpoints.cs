using Hearth.Engine.Operations;
using Hearth.Hosting;
using Microsoft.AspNetCore.Builder;
using Hearth.Templates.Values;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's resource routes: list (with <c>nested_depth</c> and <c>with_detail</c>), show, metadata, and signal, whose
/// <c>{"unset_hook": …}</c> is how the OpenStack client clears a hook (<c>openstack stack hook clear</c>). A resource of a
/// nested stack may be named by its path, <c>parent%2Fchild</c>, as <c>hearth stack signal|hook clear</c> name it.
/// </summary>
internal static class ResourceEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        foreach (var prefix in StackLookup.RoutePrefixes)
        {
            v1.MapGet(prefix + "/resources", ListAsync);
            v1.MapGet(prefix + "/resources/{resource_name}", ShowAsync);
            v1.MapGet(prefix + "/resources/{resource_name}/metadata", MetadataAsync);
            v1.MapPost(prefix + "/resources/{resource_name}/signal", SignalAsync);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, string tenant_id, string stack_name, string? stack_id, int? nested_depth, string? with_detail, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var links = new HeatLinks(http.Request, tenant_id);
        var resources = await host.Engine.ListResourcesAsync(stack.Name, Math.Max(0, nested_depth ?? 0), http.RequestAborted);
        var detailed = with_detail is not null && (with_detail == "1" || bool.TryParse(with_detail, out var detail) && detail);
        var views = resources.Select(r => (object?)(detailed ? Detail(links, stack, r, resources) : HeatApiViews.Resource(links, stack, r))).ToList();
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
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var resources = await host.Engine.ListResourcesAsync(stack.Name, 0, http.RequestAborted);
        var resource = resources.FirstOrDefault(r => r.Resource.Name == resource_name) ?? throw ResourceNotFound(resource_name);
        return HeatJson.Result(new Dictionary<string, object?> { ["resource"] = Detail(new HeatLinks(http.Request, tenant_id), stack, resource, resources) });
    }

    /// <summary>Heat's resource with its attributes and description, and Hearth's properties and metadata, as <c>hearth stack resource show</c> prints them.</summary>
    private static OrderedDictionary<string, object?> Detail(HeatLinks links, State.StackRecord stack, StackResource resource, IReadOnlyList<StackResource> resources)
    {
        var view = HeatApiViews.Resource(links, stack, resource);
        var sameStack = resources.Where(r => r.StackName == resource.StackName).Select(r => r.Resource);
        foreach (var (key, value) in HeatViews.ResourceDetail(resource.Resource, sameStack))
        {
            view[key] = value;
        }

        return view;
    }

    private static async Task<IResult> MetadataAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var (_, resource) = await FindAsync(http, stack_name, stack_id, resource_name, host);
        return HeatJson.Result(new Dictionary<string, object?> { ["metadata"] = ValueJson.DeserializeMap(resource.Resource.MetadataJson) });
    }

    private static async Task<IResult> SignalAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var path = ResourcePath(resource_name);
        var body = await HeatJson.ReadValueAsync(http.Request, http.RequestAborted);
        if (body is IReadOnlyDictionary<string, object?> map && map.TryGetValue("unset_hook", out var hook))
        {
            // A null hook (Hearth's): whichever hook the resource waits at; the engine says so when it waits at none.
            var paused = (await host.Engine.ListHooksAsync(stack.Name, http.RequestAborted)).FirstOrDefault(h => h.Resource == path);
            if (hook is not null && paused is not null && !string.Equals(paused.Hook, hook as string, StringComparison.Ordinal))
            {
                throw new BadHeatRequestException($"The \"{hook}\" hook is not defined on {path} or is not pending");
            }

            var cleared = await host.Engine.ClearHookAsync(stack.Name, path, http.RequestAborted);
            var view = Value.NewMap();
            view["resource_name"] = cleared.Resource;
            view["hook"] = cleared.Hook;
            view["since"] = HeatViews.Time(cleared.Since);
            return HeatJson.Result(new Dictionary<string, object?> { ["hook"] = view });
        }

        // Heat passes the body on as the signal's data, whatever JSON it is; none is a plain success.
        await host.Engine.SignalAsync(stack.Name, path, body, http.RequestAborted);
        return Results.Ok();
    }

    /// <summary>The route's resource name, where <c>%2F</c> (which routing leaves encoded) separates a nested resource from its parents.</summary>
    private static string ResourcePath(string resourceName) => resourceName.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static EngineException ResourceNotFound(string name) => new(EngineErrorKind.NotFound, $"The Resource ({name}) could not be found.");

    private static async Task<(State.StackRecord Stack, StackResource Resource)> FindAsync(HttpContext http, string stack_name, string? stack_id, string resource_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var resource = (await host.Engine.ListResourcesAsync(stack.Name, 0, http.RequestAborted)).FirstOrDefault(r => r.Resource.Name == resource_name)
            ?? throw ResourceNotFound(resource_name);
        return (stack, resource);
    }
}
