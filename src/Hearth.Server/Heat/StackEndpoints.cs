using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.Hosting;
using Hearth.Server.Auth;
using Hearth.Server.Operations;
using Hearth.Templates.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Server.Heat;

/// <summary>
/// Heat's stack routes (heat/api/openstack/v1/__init__.py): list, create, preview, lookup (a name redirects to
/// name/id), show, update (PUT replaces, PATCH keeps what is not sent), update preview, delete, actions, outputs.
/// Operations are started in the server (<see cref="ServerOperations"/>) and answered as soon as they are under way.
/// </summary>
internal static class StackEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/stacks", ListAsync);
        v1.MapPost("/stacks", CreateAsync);
        v1.MapPost("/stacks/preview", PreviewAsync).ChangesNothing();
        v1.MapGet("/stacks/{stack_name}", RedirectAsync);
        v1.MapGet("/stacks/{stack_name}/{stack_id}", ShowAsync);
        foreach (var prefix in StackLookup.RoutePrefixes)
        {
            v1.MapPut(prefix, (HttpContext http, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations) =>
                UpdateAsync(http, stack_name, stack_id, existing: false, host, operations));
            v1.MapMethods(prefix, [HttpMethods.Patch], (HttpContext http, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations) =>
                UpdateAsync(http, stack_name, stack_id, existing: true, host, operations));
            v1.MapPut(prefix + "/preview", (HttpContext http, string stack_name, string? stack_id, HearthEngine host) =>
                PreviewUpdateAsync(http, stack_name, stack_id, existing: false, host)).ChangesNothing();
            v1.MapMethods(prefix + "/preview", [HttpMethods.Patch], (HttpContext http, string stack_name, string? stack_id, HearthEngine host) =>
                PreviewUpdateAsync(http, stack_name, stack_id, existing: true, host)).ChangesNothing();
            v1.MapDelete(prefix, DeleteAsync);
            v1.MapPost(prefix + "/actions", ActionAsync);
            v1.MapGet(prefix + "/outputs", OutputsAsync);
            v1.MapGet(prefix + "/outputs/{output_key}", OutputAsync);
            v1.MapGet(prefix + "/template", TemplateAsync);
            v1.MapGet(prefix + "/environment", EnvironmentAsync);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, string tenant_id, HearthEngine host)
    {
        var links = new HeatLinks(http.Request, tenant_id);
        var views = new List<object?>();
        foreach (var (stack, description) in await host.Engine.ListStacksAsync(http.RequestAborted))
        {
            views.Add(await WithInterruptedAsync(HeatApiViews.Stack(links, stack, description: description), stack, host, http.RequestAborted));
        }

        return HeatJson.Result(new Dictionary<string, object?> { ["stacks"] = views });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string tenant_id, HearthEngine host, ServerOperations operations)
    {
        var body = await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted);
        var name = body.GetValueOrDefault("stack_name") as string ?? throw new BadHeatRequestException("stack_name is required");
        if (StackNames.Problem(name) is { } problem)
        {
            throw new BadHeatRequestException(problem);
        }

        var request = StackRequest.Read(name, body, host.Templates);
        var source = request.Source ?? throw new BadHeatRequestException("template is required");
        var engine = host.Engine;
        var id = await operations.StartAsync(name, "create", (observer, ct) => engine.CreateAsync(name, source, request.DisableRollback ?? false, observer, ct));
        var self = new HeatLinks(http.Request, tenant_id).Stack(name, id);
        var stack = new Dictionary<string, object?> { ["id"] = id, ["links"] = HeatLinks.Of(("self", self)) };
        http.Response.Headers.Location = self;
        return HeatJson.Result(new Dictionary<string, object?> { ["stack"] = stack }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, string tenant_id, HearthEngine host)
    {
        var body = await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted);
        var name = body.GetValueOrDefault("stack_name") as string ?? throw new BadHeatRequestException("stack_name is required");
        var request = StackRequest.Read(name, body, host.Templates);
        // Hearth's engine previews a stack that exists as an update: so does this, and without a template (Hearth's
        // extension, as PATCH …/preview) against the stored one with the parameters overriding.
        var preview = await host.Engine.PreviewAsync(name, request.Source, request.Source is null ? request.Parameters : [], http.RequestAborted);
        var stack = Value.NewMap();
        stack["stack_name"] = name;
        stack["resources"] = Changes(preview.Changes);
        return HeatJson.Result(new Dictionary<string, object?> { ["stack"] = stack });
    }

    /// <summary>Heat's lookup: a stack named without its id is found and redirected to, with the rest of the request.</summary>
    private static async Task<IResult> RedirectAsync(HttpContext http, string tenant_id, string stack_name, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, null, http.RequestAborted);
        return Results.Redirect(new HeatLinks(http.Request, tenant_id).Stack(stack) + http.Request.QueryString);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string tenant_id, string stack_name, string stack_id, HearthEngine host)
    {
        var ct = http.RequestAborted;
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, ct);
        var engine = host.Engine;
        var resolveOutputs = !string.Equals(http.Request.Query["resolve_outputs"], "false", StringComparison.OrdinalIgnoreCase);
        var outputs = resolveOutputs ? await engine.GetOutputsAsync(stack.Name, ct) : null;
        var summary = await engine.GetTemplateSummaryAsync(stack.Name, ct);
        var view = HeatApiViews.Stack(new HeatLinks(http.Request, tenant_id), stack, summary.Parameters, outputs, summary.Description);
        return HeatJson.Result(new Dictionary<string, object?> { ["stack"] = await WithInterruptedAsync(view, stack, host, ct) });
    }

    /// <summary>
    /// Hearth's <c>hearth_interrupted</c>: the stack's operation stopped when its process died and waits for a resume or
    /// cancel (a server started with <c>--interrupted leave</c>), which <c>hearth stack list|show</c> print as locally.
    /// </summary>
    private static async Task<OrderedDictionary<string, object?>> WithInterruptedAsync(OrderedDictionary<string, object?> view, State.StackRecord stack, HearthEngine host, CancellationToken cancellationToken)
    {
        view["hearth_interrupted"] = await host.Engine.FindDeadHolderAsync(stack, cancellationToken) is not null;
        return view;
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string stack_name, string? stack_id, bool existing, HearthEngine host, ServerOperations operations)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var request = StackRequest.Read(stack.Name, await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted), host.Templates);
        if (request.Source is null && !existing)
        {
            throw new BadHeatRequestException("an update (PUT) needs the template; PATCH reuses the stored one");
        }

        var engine = host.Engine;
        var overrides = request.Source is null ? request.Parameters : [];
        await operations.StartAsync(stack.Name, "update", (observer, ct) =>
            engine.UpdateAsync(stack.Name, request.Source, overrides, request.DisableRollback, observer, ct));
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> PreviewUpdateAsync(HttpContext http, string stack_name, string? stack_id, bool existing, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var request = StackRequest.Read(stack.Name, await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted), host.Templates);
        if (request.Source is null && !existing)
        {
            throw new BadHeatRequestException("an update preview (PUT) needs the template; PATCH reuses the stored one");
        }

        var preview = await host.Engine.PreviewAsync(stack.Name, request.Source, request.Source is null ? request.Parameters : [], http.RequestAborted);
        var changes = new OrderedDictionary<string, object?>();
        foreach (var group in new[] { "added", "deleted", "replaced", "unchanged", "updated" })
        {
            changes[group] = preview.Changes.Where(c => Group(c.Kind) == group).Select(c => (object?)Change(c)).ToList();
        }

        // Heat's groups lose the order the engine would act in, which Hearth's own `resources` keeps (as a create preview's).
        return HeatJson.Result(new Dictionary<string, object?> { ["resource_changes"] = changes, ["resources"] = Changes(preview.Changes) });
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var engine = host.Engine;
        await operations.StartAsync(stack.Name, "delete", (observer, ct) => engine.DeleteAsync(stack.Name, observer, ct));
        return Results.NoContent();
    }

    private static async Task<IResult> ActionAsync(HttpContext http, string stack_name, string? stack_id, HearthEngine host, ServerOperations operations)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var body = await HeatJson.ReadObjectAsync(http.Request, http.RequestAborted);
        if (body.Count != 1 || !body.ContainsKey("cancel_update"))
        {
            throw new BadHeatRequestException($"only the cancel_update action is supported, not: {string.Join(", ", body.Keys)}");
        }

        if (stack.Status != State.OperationStatus.InProgress || stack.Action != State.ResourceAction.Update || !operations.Cancel(stack.Name))
        {
            throw new EngineException(EngineErrorKind.Conflict, $"Cancelling update when stack is {State.HeatStatus.Format(stack.Action, stack.Status)}");
        }

        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> OutputsAsync(HttpContext http, string stack_name, string? stack_id, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var outputs = await host.Engine.GetOutputsAsync(stack.Name, http.RequestAborted);
        return HeatJson.Result(new Dictionary<string, object?>
        {
            ["outputs"] = outputs.Select(o => (object?)new Dictionary<string, object?> { ["output_key"] = o.Key, ["description"] = o.Description }).ToList(),
        });
    }

    private static async Task<IResult> OutputAsync(HttpContext http, string stack_name, string? stack_id, string output_key, HearthEngine host)
    {
        var stack = await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted);
        var output = (await host.Engine.GetOutputsAsync(stack.Name, http.RequestAborted)).FirstOrDefault(o => o.Key == output_key)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"Specified output key {output_key} not found.");
        return HeatJson.Result(new Dictionary<string, object?> { ["output"] = HeatViews.Output(output) });
    }

    private static async Task<IResult> TemplateAsync(HttpContext http, string stack_name, string? stack_id, HearthEngine host) =>
        HeatJson.Result(StoredFiles.Template(await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted)));

    private static async Task<IResult> EnvironmentAsync(HttpContext http, string stack_name, string? stack_id, HearthEngine host) =>
        HeatJson.Result(await StoredFiles.EnvironmentAsync(host, await StackLookup.FindAsync(host, stack_name, stack_id, http.RequestAborted)));

    private static List<object?> Changes(IEnumerable<ResourceChange> changes) => [.. changes.Select(c => (object?)Change(c))];

    /// <summary>A change as Heat shows it, with what Hearth's preview says beyond (which properties changed, whether values are known yet).</summary>
    private static OrderedDictionary<string, object?> Change(ResourceChange change)
    {
        var view = Value.NewMap();
        view["resource_name"] = change.ResourceName;
        view["resource_type"] = change.Type;
        view["resource_action"] = change.Kind.ToString().ToUpperInvariant();
        view["reason"] = change.Reason;
        view["changed_properties"] = change.ChangedProperties.ToList<object?>();
        view["known_after_apply"] = change.KnownAfterApply;
        return view;
    }

    private static string Group(ChangeKind kind) => kind switch
    {
        ChangeKind.Create => "added",
        ChangeKind.Delete => "deleted",
        ChangeKind.Replace => "replaced",
        ChangeKind.Update => "updated",
        _ => "unchanged",
    };
}
