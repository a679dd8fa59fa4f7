using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Hearth.Engine.Failures;
using Hearth.Engine.Operations;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Execution;
using Hearth.State;
using Hearth.Templates.Schema;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Software;

/// <summary>What deployments need beyond their properties: where configs and servers are found, and how to reach servers.</summary>
/// <param name="Store">Finds configs and servers by physical id (they may live in a parent stack).</param>
/// <param name="Local">Runs deployments on this machine (transport LOCAL).</param>
/// <param name="DefaultTimeout">How long a deployment may run unless its config's options say otherwise.</param>
public sealed record DeploymentServices(IStateStore Store, IDeploymentTransport Local, TimeSpan DefaultTimeout)
{
    /// <summary>Picks each server's transport by its <c>software_config_transport</c>; by default LOCAL alone, run by <see cref="Local"/>.</summary>
    public DeploymentTransports Transports { get; init; } = DeploymentTransports.LocalOnly(Local);

    /// <summary>The state folder, for commands that scripts run against this engine's state (a wait condition handle's <c>curl_cli</c>).</summary>
    public string? StateDirectory { get; init; }

    /// <summary>How a script runs this hearth (shell-quoted), for the same commands.</summary>
    public string? HearthCommand { get; init; }

    /// <summary>Bounds how many deployments run on one server at once.</summary>
    internal ServerGates Gates { get; } = new();
}

/// <summary>
/// OS::Heat::SoftwareDeployment and OS::Heat::StructuredDeployment: run a config on a server for the lifecycle
/// actions listed in <c>actions</c>, with the config's inputs as environment variables, and expose the run's
/// stdout, stderr, status code and declared outputs as attributes. A non-zero exit, a set error_output or a timeout
/// fails the resource (and so the operation, which rolls back).
/// </summary>
internal sealed class SoftwareDeploymentHandler(ResourceTypeSchema schema, DeploymentServices? services, bool structured) : ResourceHandler
{
    internal const string ReplaceOnChangeKey = "replace_on_change";

    private static readonly string[] DefaultActions = ["CREATE", "UPDATE"];

    public override ResourceTypeSchema Schema => schema;

    public static SoftwareDeploymentHandler Software(DeploymentServices? services) => new(SoftwareDeploymentSchemas.SoftwareDeployment, services, structured: false);

    public static SoftwareDeploymentHandler Structured(DeploymentServices? services) => new(SoftwareDeploymentSchemas.StructuredDeployment, services, structured: true);

    public override async Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken) =>
        (await RunAsync("CREATE", request.Name, request.Properties, request.Stack, request.Resources, previous: null, DeploymentId(request.PhysicalName), cancellationToken)).Result;

    public override async Task<ResourceResult> UpdateAsync(ResourceRequest request, ResourceState current, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        (await RunAsync("UPDATE", request.Name, request.Properties, request.Stack, request.Resources, current, DeploymentId(request.PhysicalName), cancellationToken)).Result;

    public override async Task<string?> DeleteAsync(ResourceState current, StackInfo stack, CancellationToken cancellationToken)
    {
        var (result, skipped) = await RunAsync("DELETE", current.Name, current.Properties, stack, resources: null, current, current.PhysicalName is null ? Guid.NewGuid().ToString() : DeploymentId(current.PhysicalName), cancellationToken);

        // Its inputs and outputs may hold secrets (hidden parameters, what a script printed): none outlives the deployment.
        if (services is not null && result.PhysicalId is { } deploymentId)
        {
            await (await TransportAsync(current.Properties, resources: null, cancellationToken)).RemoveAsync(deploymentId, cancellationToken);
        }

        return skipped;
    }

    internal override IDisposable? Starting(string resourceName) => services?.Gates.Announce(resourceName);

    internal override DeploymentTransports? ActionTransport => services?.Transports;

    /// <summary>
    /// Heat: a change of an input marked <c>replace_on_change</c> replaces the deployment (the new one's CREATE runs,
    /// dependents update, then the old one's DELETE runs); <c>server</c> and <c>signal_transport</c> are not
    /// update_allowed; anything else updates in place.
    /// </summary>
    public override bool NeedsReplace(ResourceState current, IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties)
    {
        if (changed.Contains("input_values") && current.Data.GetValueOrDefault(ReplaceOnChangeKey) is IReadOnlyList<object?> names)
        {
            var before = current.Properties.GetValueOrDefault("input_values") as IReadOnlyDictionary<string, object?>;
            var after = newProperties.GetValueOrDefault("input_values") as IReadOnlyDictionary<string, object?>;
            if (names.OfType<string>().Any(name => !Value.DeepEquals(before?.GetValueOrDefault(name), after?.GetValueOrDefault(name))))
            {
                return true;
            }
        }

        return base.NeedsReplace(current, changed, newProperties);
    }

    public override object? GetAttribute(ResourceState state, string name) => state.Attributes.GetValueOrDefault(name);

    /// <summary>Runs the action; with the transport's reason when it skipped the run (a DELETE on a host never reached).</summary>
    private async Task<(ResourceResult Result, string? Skipped)> RunAsync(
        string action,
        string resourceName,
        IReadOnlyDictionary<string, object?> properties,
        StackInfo stack,
        IOperationResources? resources,
        ResourceState? previous,
        string newId,
        CancellationToken cancellationToken)
    {
        var physicalId = previous?.PhysicalId ?? newId;
        var configId = properties.GetValueOrDefault("config") as string;
        var document = string.IsNullOrEmpty(configId) ? null : await FindConfigAsync(configId, resources, cancellationToken);
        var data = Data(document, previous);
        if (document is null || !Runs(action, document, properties))
        {
            // Not an action of this deployment: the step completes at once and nothing runs (Heat's actions gating).
            // A script a dead engine left running here is stopped all the same: a cancel's DELETE that runs nothing
            // must not leave the interrupted CREATE going on after the stack says it was rolled back.
            if (services is not null
                && await (await TransportAsync(properties, resources, cancellationToken)).StopLeftoverAsync(physicalId, cancellationToken) is { Status: not DeploymentStatus.Complete } failed)
            {
                throw new ResourceFailedException(failed.StatusReason);
            }

            return (new ResourceResult(physicalId, Attributes(previous), data), null);
        }

        var deployments = Services();
        var serverId = properties.GetValueOrDefault("server") as string ?? "";
        var server = await FindResourceAsync(serverId, resources, cancellationToken)
            ?? throw new ResourceFailedException(FailureKind.InvalidInput, $"the server '{serverId}' is not an OS::Heat::DeployedServer Hearth knows; give the get_resource of one");
        var serverProperties = server.Properties;
        var transport = Transport(server, deployments);

        var inputValues = properties.GetValueOrDefault("input_values") as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var inputs = DeploymentInputs.Build(Declarations(document), inputValues, serverId, action, $"{stack.Name}/{stack.Id}", resourceName);
        var request = new DeploymentRequest(
            physicalId,
            serverId,
            action,
            document.Group,
            ConfigText(document, inputs, properties),
            inputs,
            [.. document.Outputs.Select(Output)],
            document.Options.ToImmutableDictionary(StringComparer.Ordinal),
            Timeout(document, deployments));

        DeploymentResult result;
        using (await deployments.Gates.EnterAsync(serverId, DeployedServerHandler.MaxConcurrentDeployments(serverProperties), resourceName, cancellationToken))
        {
            result = await transport.DeployAsync(request, cancellationToken);
        }

        return result.Status switch
        {
            DeploymentStatus.Complete => (new ResourceResult(physicalId, Attributes(result), data), null),
            DeploymentStatus.Skipped => (new ResourceResult(physicalId, Attributes(previous), data), result.StatusReason),
            _ => throw new ResourceFailedException(Failed(result)),
        };
    }

    /// <summary>A run that did not complete, as data: what kind of end it had, its exit status and its output's tails.</summary>
    private static Failure Failed(DeploymentResult result) => new(
        result.Status switch
        {
            DeploymentStatus.TimedOut => FailureKind.TimedOut,
            DeploymentStatus.Cancelled => FailureKind.CancelledByUser,
            _ => FailureKind.ScriptFailed,
        },
        $"Deployment to server failed: {result.StatusReason}")
    {
        ExitCode = result.ExitCode,
        Stdout = result.Stdout.Length == 0 ? null : result.Stdout,
        Stderr = result.Stderr.Length == 0 ? null : result.Stderr,
    };

    /// <summary>
    /// A deployment's id (and so its working folder) is derived from the instance's physical name, which the engine
    /// keeps for the instance: a create interrupted by a crash is redone (resume) or undone (cancel) in the same folder,
    /// with whatever the first run left there. A random id would leave that run's work where nothing knows of it.
    /// </summary>
    internal static string DeploymentId(string physicalName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(physicalName));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // RFC 9562 version 8: a name-based id of our own
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    /// <summary>The transport of the server a deployment names (its <c>software_config_transport</c>).</summary>
    private static IDeploymentTransport Transport(ResourceState server, DeploymentServices services)
    {
        try
        {
            return services.Transports.For(DeployedServerHandler.Target(server));
        }
        catch (TransportUnavailableException e)
        {
            throw new ResourceFailedException(e.Message);
        }
    }

    /// <summary>
    /// The transport of the deployment's server for settling what it left (a leftover, its working folder); LOCAL when
    /// the server is not known any more, as before there were other transports.
    /// </summary>
    private async Task<IDeploymentTransport> TransportAsync(IReadOnlyDictionary<string, object?> properties, IOperationResources? resources, CancellationToken cancellationToken)
    {
        var deployments = Services();
        return properties.GetValueOrDefault("server") as string is { Length: > 0 } serverId
            && await FindResourceAsync(serverId, resources, cancellationToken) is { } server
                ? Transport(server, deployments)
                : deployments.Local;
    }

    private DeploymentServices Services() =>
        services ?? throw new ResourceFailedException(FailureKind.Internal, "software deployments need the deployment services; this engine was built without them");

    private async Task<ConfigDocument> FindConfigAsync(string configId, IOperationResources? resources, CancellationToken cancellationToken) =>
        (await FindResourceAsync(configId, resources, cancellationToken) is { } config ? ConfigDocument.FromData(config.Data) : null)
            ?? throw new ResourceFailedException(FailureKind.InvalidInput, $"the config '{configId}' is not a software config Hearth knows; give the get_resource of an OS::Heat::SoftwareConfig (or StructuredConfig, SoftwareComponent)");

    /// <summary>A config or server: from the operation's own resources when it is one of them, else (a parent stack's) from the store.</summary>
    private async Task<ResourceState?> FindResourceAsync(string physicalId, IOperationResources? resources, CancellationToken cancellationToken) =>
        resources?.FindByPhysicalId(physicalId)
            ?? (await Services().Store.FindResourceByPhysicalIdAsync(physicalId, cancellationToken) is { } row ? RowMapping.ToState(row) : null);

    /// <summary>
    /// Heat's gating: a component runs for the actions its entries list; any other config for the deployment's
    /// <c>actions</c>. A docker-cmd config runs its DELETE whatever they say: its containers outlive no deployment
    /// (Heat's agent removed them with its os-refresh-config script when the deployment left the server's metadata).
    /// </summary>
    private static bool Runs(string action, ConfigDocument document, IReadOnlyDictionary<string, object?> properties)
    {
        if (document.Group == "component")
        {
            return document.Config is IReadOnlyDictionary<string, object?> component
                && component.GetValueOrDefault("configs") is IReadOnlyList<object?> configs
                && configs.OfType<IReadOnlyDictionary<string, object?>>().Any(c =>
                    (c.GetValueOrDefault("actions") as IReadOnlyList<object?> ?? DefaultActions).Contains(action));
        }

        var actions = properties.GetValueOrDefault("actions") as IReadOnlyList<object?> ?? DefaultActions;
        return actions.Contains(action) || (document.Group == ConfigGroups.DockerCmd && action == DeploymentActions.Delete);
    }

    private static ImmutableDictionary<string, object?> Data(ConfigDocument? document, ResourceState? previous)
    {
        var names = document?.Inputs
            .Where(i => i.GetValueOrDefault("replace_on_change") is true)
            .Select(i => (object?)(i.GetValueOrDefault("name") as string))
            .ToList();
        return names is null
            ? previous?.Data.ToImmutableDictionary(StringComparer.Ordinal) ?? ImmutableDictionary<string, object?>.Empty
            : ImmutableDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal).Add(ReplaceOnChangeKey, names);
    }

    private static IEnumerable<DeploymentInputDeclaration> Declarations(ConfigDocument document) =>
        document.Inputs
            .Where(i => i.GetValueOrDefault("name") is string)
            .Select(i => new DeploymentInputDeclaration(
                i.GetValueOrDefault("name") as string ?? "",
                DeploymentValueTypes.TryParse(i.GetValueOrDefault("type") as string, out var type) ? type : DeploymentValueType.String,
                i.GetValueOrDefault("default")));

    private static DeploymentOutputDeclaration Output(IReadOnlyDictionary<string, object?> output) => new(
        output.GetValueOrDefault("name") as string ?? "",
        DeploymentValueTypes.TryParse(output.GetValueOrDefault("type") as string, out var type) ? type : DeploymentValueType.String,
        output.GetValueOrDefault("error_output") is true);

    /// <summary>The text delivered: the script as is; a structured config as JSON with its get_input maps replaced; a component as JSON.</summary>
    private string ConfigText(ConfigDocument document, ImmutableArray<DeploymentInput> inputs, IReadOnlyDictionary<string, object?> properties)
    {
        if (document.Config is string text)
        {
            return text;
        }

        if (!structured)
        {
            return Value.ToPythonJson(document.Config, sortKeys: false);
        }

        var key = properties.GetValueOrDefault("input_key") as string ?? "get_input";
        var strict = properties.GetValueOrDefault("input_values_validate") as string == "STRICT";
        var values = inputs.ToDictionary(i => i.Name, i => i.Value, StringComparer.Ordinal);
        return Value.ToPythonJson(Substitute(document.Config, key, values, strict), sortKeys: false);
    }

    private static object? Substitute(object? value, string key, IReadOnlyDictionary<string, object?> inputs, bool strict)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map when map.Count == 1 && map.TryGetValue(key, out var name) && name is string inputName:
                if (inputs.TryGetValue(inputName, out var input))
                {
                    return input;
                }

                return strict ? throw new ResourceFailedException(FailureKind.InvalidInput, $"The Parameter ({inputName}) was not provided (input_values_validate: STRICT)") : null;
            case IReadOnlyDictionary<string, object?> map:
                var result = Value.NewMap();
                foreach (var (k, v) in map)
                {
                    result[k] = Substitute(v, key, inputs, strict);
                }

                return result;
            case IReadOnlyList<object?> list:
                return list.Select(item => Substitute(item, key, inputs, strict)).ToList();
            default:
                return value;
        }
    }

    /// <summary>Hearth: a config's <c>options: {timeout: SECONDS}</c> bounds its runs; otherwise the engine's default.</summary>
    private static TimeSpan Timeout(ConfigDocument document, DeploymentServices services) =>
        document.Options.GetValueOrDefault("timeout") switch
        {
            long seconds when seconds > 0 => TimeSpan.FromSeconds(seconds),
            double seconds when seconds > 0 => TimeSpan.FromSeconds(seconds),
            _ => services.DefaultTimeout,
        };

    private static ImmutableDictionary<string, object?> Attributes(ResourceState? previous) =>
        previous?.Attributes.ToImmutableDictionary(StringComparer.Ordinal) ?? ImmutableDictionary<string, object?>.Empty
            .WithComparers(StringComparer.Ordinal)
            .Add("deploy_stdout", null).Add("deploy_stderr", null).Add("deploy_status_code", null);

    private static ImmutableDictionary<string, object?> Attributes(DeploymentResult result)
    {
        var attributes = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in result.Outputs)
        {
            attributes[name] = value;
        }

        attributes["deploy_stdout"] = result.Stdout;
        attributes["deploy_stderr"] = result.Stderr;
        attributes["deploy_status_code"] = result.ExitCode is { } code ? (long)code : null;
        return attributes.ToImmutable();
    }
}
