using System.Collections.Immutable;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;
using Hearth.Templates.Values;

namespace Hearth.Engine.Resources.Software;

/// <summary>
/// The immutable config documents: OS::Heat::SoftwareConfig, StructuredConfig, SoftwareComponent, MultipartMime
/// and CloudConfig. Creating one stores its document (group, config, options, inputs, outputs) under a new id,
/// which deployments name in their <c>config</c> property. No property is update_allowed, so any change makes a
/// new config (create-before-delete) and every deployment using it updates to the new id.
/// </summary>
internal sealed class ConfigHandler(ResourceTypeSchema schema, Func<IReadOnlyDictionary<string, object?>, ConfigDocument> document) : ResourceHandler
{
    public override ResourceTypeSchema Schema => schema;

    public override bool IsStoreOnly => true;

    public static ConfigHandler SoftwareConfig() => new(SoftwareConfigSchemas.SoftwareConfig, p => ConfigDocument.From(p, p.GetValueOrDefault("config")));

    public static ConfigHandler StructuredConfig() => new(SoftwareConfigSchemas.StructuredConfig, p => ConfigDocument.From(p, p.GetValueOrDefault("config") ?? Value.NewMap()));

    /// <summary>A component is stored with group <c>component</c> and its per-action configs (Heat's software_component.py).</summary>
    public static ConfigHandler SoftwareComponent() => new(SoftwareConfigSchemas.SoftwareComponent, p =>
    {
        var configs = Value.NewMap();
        configs["configs"] = p.GetValueOrDefault("configs");
        return ConfigDocument.From(p, configs) with { Group = "component" };
    });

    public static ConfigHandler MultipartMime() => new(SoftwareConfigSchemas.MultipartMime, p =>
        ConfigDocument.From(p, MimeText(p.GetValueOrDefault("parts") as IReadOnlyList<object?> ?? [])) with { Group = "Heat::Ungrouped" });

    public static ConfigHandler CloudConfig() => new(SoftwareConfigSchemas.CloudConfig, p =>
        ConfigDocument.From(p, "#cloud-config\n" + ValueYaml.Serialize(p.GetValueOrDefault("cloud_config"))) with { Group = "Heat::Ungrouped" });

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var doc = document(request.Properties);
        var id = Guid.NewGuid().ToString();
        return Task.FromResult(ResourceResult.Of(id, [new("config", doc.Config)], [new(ConfigDocument.DataKey, doc.ToValue())]));
    }

    /// <summary>Configs are immutable: every property change replaces them (Heat: no property is update_allowed).</summary>
    public override bool NeedsReplace(IReadOnlySet<string> changed, IReadOnlyDictionary<string, object?> newProperties) => changed.Count > 0;

    private static string MimeText(IReadOnlyList<object?> parts)
    {
        const string boundary = "===============hearth-multipart==";
        var text = new System.Text.StringBuilder();
        text.Append("Content-Type: multipart/mixed; boundary=\"").Append(boundary).Append("\"\nMIME-Version: 1.0\n\n");
        foreach (var part in parts.OfType<IReadOnlyDictionary<string, object?>>())
        {
            var subtype = part.GetValueOrDefault("subtype") as string ?? "x-shellscript";
            text.Append("--").Append(boundary).Append('\n')
                .Append("Content-Type: text/").Append(subtype).Append("; charset=\"utf-8\"\nMIME-Version: 1.0\n");
            if (part.GetValueOrDefault("filename") is string filename)
            {
                text.Append("Content-Disposition: attachment; filename=\"").Append(filename).Append("\"\n");
            }

            text.Append('\n').Append(Value.ToPythonString(part.GetValueOrDefault("config"))).Append('\n');
        }

        return text.Append("--").Append(boundary).Append("--\n").ToString();
    }
}

/// <summary>A stored config: what a deployment delivers to a server.</summary>
internal sealed record ConfigDocument(
    string Group,
    object? Config,
    IReadOnlyDictionary<string, object?> Options,
    ImmutableArray<IReadOnlyDictionary<string, object?>> Inputs,
    ImmutableArray<IReadOnlyDictionary<string, object?>> Outputs)
{
    public const string DataKey = "document";

    public static ConfigDocument From(IReadOnlyDictionary<string, object?> properties, object? config) => new(
        properties.GetValueOrDefault("group") as string ?? "Heat::Ungrouped",
        config,
        properties.GetValueOrDefault("options") as IReadOnlyDictionary<string, object?> ?? Value.NewMap(),
        Maps(properties.GetValueOrDefault("inputs")),
        Maps(properties.GetValueOrDefault("outputs")));

    public static ConfigDocument? FromData(IReadOnlyDictionary<string, object?> data) =>
        data.GetValueOrDefault(DataKey) is IReadOnlyDictionary<string, object?> map
            ? new ConfigDocument(
                map.GetValueOrDefault("group") as string ?? "Heat::Ungrouped",
                map.GetValueOrDefault("config"),
                map.GetValueOrDefault("options") as IReadOnlyDictionary<string, object?> ?? Value.NewMap(),
                Maps(map.GetValueOrDefault("inputs")),
                Maps(map.GetValueOrDefault("outputs")))
            : null;

    public OrderedDictionary<string, object?> ToValue()
    {
        var map = Value.NewMap();
        map["group"] = Group;
        map["config"] = Config;
        map["options"] = Options;
        map["inputs"] = Inputs.Cast<object?>().ToList();
        map["outputs"] = Outputs.Cast<object?>().ToList();
        return map;
    }

    private static ImmutableArray<IReadOnlyDictionary<string, object?>> Maps(object? value) =>
        value is IReadOnlyList<object?> list ? [.. list.OfType<IReadOnlyDictionary<string, object?>>()] : [];
}
