using System.Collections.Immutable;
using System.Diagnostics;
using Hearth.Engine.Events;
using Hearth.Engine.Failures;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Execution;
using Hearth.State;
using Hearth.Templates.Schema;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Signals;

/// <summary>
/// Signals to a wait condition handle travel as events of the handle's resource: <c>hearth stack signal</c> (from a
/// script, another terminal, another machine sharing the state) appends one, and the waiting WaitCondition reads
/// them. Events are append-only, so a signal needs no lock on the engine's rows, and every signal is visible in the
/// event log.
/// </summary>
public static class HandleSignals
{
    /// <summary>How a signal shows in the event log (its JSON travels as the event's payload, <see cref="EventKind.Signal"/>).</summary>
    public static string Reason(string signalJson) => "Signal received: " + signalJson;

    /// <summary>A signal as Heat normalises it: status SUCCESS or FAILURE, a reason, data and an id.</summary>
    public static OrderedDictionary<string, object?> Normalise(object? data, int ordinal)
    {
        var given = data as IReadOnlyDictionary<string, object?>;
        var status = (given?.GetValueOrDefault("status") as string)?.ToUpperInvariant() is "FAILURE" ? "FAILURE" : "SUCCESS";
        var signal = Value.NewMap();
        signal["status"] = status;
        signal["reason"] = given?.GetValueOrDefault("reason") as string ?? (status == "SUCCESS" ? "Signal received" : "Signal failure");
        signal["data"] = given is null ? data : given.GetValueOrDefault("data");
        signal["id"] = given?.GetValueOrDefault("id") is { } id ? Value.ToPythonString(id) : ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return signal;
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Read(IEnumerable<EventRecord> events, string handleName) =>
        [.. events
            .Where(e => e is { Kind: EventKind.Signal, Payload: not null } && e.ResourceName == handleName)
            .OrderBy(e => e.Sequence)
            .Select(e => ValueJson.DeserializeMap(e.Payload ?? "{}"))];
}

/// <summary>OS::Heat::WaitConditionHandle: the address of a wait; its <c>curl_cli</c> is a command that signals it on this machine.</summary>
internal sealed class WaitConditionHandleHandler(string? stateDirectory, string? hearthCommand) : ResourceHandler
{
    public override ResourceTypeSchema Schema => WaitConditionSchemas.WaitConditionHandle;

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var command = SignalCommand(request.Stack.Name, request.Name);
        var signal = Value.NewMap();
        signal["command"] = command;
        return Task.FromResult(ResourceResult.Of(Guid.NewGuid().ToString(),
        [
            new("token", ""),
            new("endpoint", ""),
            // Heat's curl_cli is a command a script completes with its data; here it completes with --data JSON.
            new("curl_cli", command + " --data"),
            new("signal", ValueJson.Serialize(signal)),
        ]));
    }

    public override Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        Task.FromResult(new ResourceResult(current.PhysicalId, current.Attributes.ToImmutableDictionary(StringComparer.Ordinal), ImmutableDictionary<string, object?>.Empty));

    private string SignalCommand(string stack, string handle)
    {
        var state = stateDirectory is null ? "" : $" --state {ShellText.Quote(stateDirectory)}";
        return $"{hearthCommand ?? "hearth"}{state} stack signal {ShellText.Quote(stack)} {ShellText.Quote(handle)}";
    }

}

/// <summary>
/// OS::Heat::WaitCondition: completes when its handle has received <c>count</c> success signals, fails on a
/// failure signal or after <c>timeout</c> seconds (and so rolls the operation back). Its <c>data</c> attribute is a
/// JSON map of the signals' data by signal id.
/// </summary>
internal sealed class WaitConditionHandler(IStateStore? store, TimeProvider time) : ResourceHandler
{
    public override ResourceTypeSchema Schema => WaitConditionSchemas.WaitCondition;

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var events = store ?? throw new ResourceFailedException(FailureKind.Internal, "wait conditions need the state store; this engine was built without it");
        var handleId = request.Properties.GetValueOrDefault("handle") as string ?? "";
        var handle = await events.FindResourceByPhysicalIdAsync(handleId, cancellationToken)
            ?? throw new ResourceFailedException(FailureKind.InvalidInput, $"the handle '{handleId}' is not an OS::Heat::WaitConditionHandle Hearth knows; give the get_resource of one");
        var count = request.Properties.GetValueOrDefault("count") is long n ? (int)n : 1;
        var timeout = TimeSpan.FromSeconds(request.Properties.GetValueOrDefault("timeout") switch
        {
            long l => l,
            double d => d,
            _ => 3600,
        });

        var started = time.GetTimestamp();
        var signals = new List<IReadOnlyDictionary<string, object?>>();
        await foreach (var page in new EventFeed(events, time).ReadAsync(EventScope.Stack(handle.StackId, includeNested: false), 0, cancellationToken))
        {
            signals.AddRange(HandleSignals.Read(page.Events, handle.Name));
            if (signals.FirstOrDefault(s => s.GetValueOrDefault("status") as string == "FAILURE") is { } failure)
            {
                throw new ResourceFailedException($"WaitCondition failed: {failure.GetValueOrDefault("reason")}");
            }

            var successes = signals.Where(s => s.GetValueOrDefault("status") as string == "SUCCESS").ToList();
            if (successes.Count >= count)
            {
                var data = Value.NewMap();
                foreach (var signal in successes)
                {
                    data[Value.ToPythonString(signal.GetValueOrDefault("id"))] = signal.GetValueOrDefault("data");
                }

                // Heat gives the data as JSON text (jsonutils.dumps).
                return ResourceResult.Of(Guid.NewGuid().ToString(), [new("data", Value.ToPythonJson(data, sortKeys: false))]);
            }

            // Checked at every wake-up of the feed, which comes at least once per poll interval.
            if (page.CaughtUp && time.GetElapsedTime(started) >= timeout)
            {
                throw new ResourceFailedException(FailureKind.TimedOut, $"WaitCondition timed out after {timeout.TotalSeconds:0}s: {successes.Count} of {count} success signals received");
            }
        }

        throw new UnreachableException("an event feed ends only when cancelled");
    }

    public override Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        Task.FromResult(new ResourceResult(current.PhysicalId, current.Attributes.ToImmutableDictionary(StringComparer.Ordinal), ImmutableDictionary<string, object?>.Empty));
}
