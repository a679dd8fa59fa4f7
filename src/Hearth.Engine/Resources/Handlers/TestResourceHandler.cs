using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>
/// OS::Heat::TestResource (heat/engine/resources/openstack/heat/test_resource.py): stores <c>value</c> as the
/// attribute <c>output</c>, waits <c>wait_secs</c> (or <c>action_wait_secs</c> per action), fails when <c>fail</c> is
/// true, and is replaced when <c>value</c> changes with <c>update_replace</c> true.
/// </summary>
internal sealed class TestResourceHandler(TimeProvider time) : ResourceHandler
{
    public override ResourceTypeSchema Schema => UtilitySchemas.TestResource;

    public override bool IsStoreOnly => true;

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        await WaitAsync(request.Properties, "create", cancellationToken);
        FailIfAsked(request);
        var value = request.Properties.GetValueOrDefault("value");
        return ResourceResult.Of(request.PhysicalName, [new("output", value)], [new("value", value)]);
    }

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken)
    {
        // Heat waits only when the value changes; a failing update fails either way.
        if (changed.Contains("value"))
        {
            await WaitAsync(request.Properties, "update", cancellationToken);
        }

        FailIfAsked(request);
        var value = changed.Contains("value") ? request.Properties.GetValueOrDefault("value") : current.Data.GetValueOrDefault("value");
        return ResourceResult.Of(current.PhysicalId, [new("output", value)], [new("value", value)]);
    }

    public override async Task<string?> DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken)
    {
        await WaitAsync(current.Properties, "delete", cancellationToken);
        return null;
    }

    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) =>
        (changed.Contains("value") && newProperties.GetValueOrDefault("update_replace") is true) || base.NeedsReplace(changed, newProperties);

    private static void FailIfAsked(ResourceRequest request)
    {
        if (request.Properties.GetValueOrDefault("fail") is true)
        {
            throw new ResourceFailedException($"Test Resource failed {request.Name}");
        }
    }

    private Task WaitAsync(IReadOnlyDictionary<string, object?> properties, string action, CancellationToken cancellationToken)
    {
        var perAction = (properties.GetValueOrDefault("action_wait_secs") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault(action);
        var seconds = ToSeconds(perAction) ?? ToSeconds(properties.GetValueOrDefault("wait_secs")) ?? 0;
        if (seconds == 0)
        {
            return Task.CompletedTask;
        }

        // A negative wait is Heat's "forever": only cancellation (or the operation's timeout) ends it.
        return Task.Delay(seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds), time, cancellationToken);
    }

    private static double? ToSeconds(object? value) => value switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public override object? GetAttribute(ResourceState state, string name) =>
        name == "output" ? state.Data.GetValueOrDefault("value") : base.GetAttribute(state, name);

}
