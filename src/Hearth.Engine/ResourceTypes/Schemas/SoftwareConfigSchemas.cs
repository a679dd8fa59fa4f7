using System.Collections.Immutable;
using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schemas of Heat's config documents: OS::Heat::SoftwareConfig, OS::Heat::StructuredConfig,
/// OS::Heat::SoftwareComponent, OS::Heat::MultipartMime and OS::Heat::CloudConfig (software_config.py,
/// structured_config.py, software_component.py, multi_part.py, cloud_config.py, software_config_io.py).
/// Configs are immutable: no property is update_allowed, so any change replaces the config (a new id).
/// </summary>
public static class SoftwareConfigSchemas
{
    /// <summary>The group a config runs with when none is given.</summary>
    public const string DefaultGroup = "Heat::Ungrouped";

    /// <summary>The types a config input or output may declare (software_config_io.py).</summary>
    public static ImmutableArray<string> IoTypes { get; } = ["String", "Number", "CommaDelimitedList", "Json", "Boolean"];

    private static readonly ImmutableArray<PropertyConstraint> _ioTypeConstraint = AllowedValues([.. IoTypes]);

    private static readonly PropertySchema _group = Prop("group", PropertyType.String,
        "The tool that runs the config on the server (script, ansible, puppet, docker-cmd, …).",
        defaultValue: DefaultGroup);

    private static readonly PropertySchema _options = Prop("options", PropertyType.Map,
        "Options for the tool that runs the config.");

    private static readonly PropertySchema _inputs = Prop("inputs", PropertyType.List,
        "The inputs the config declares.",
        schema: Items(PropertyType.Map, Keys(
            Prop("name", PropertyType.String, "The name of the input.", required: true),
            Prop("description", PropertyType.String, "What the input means."),
            Prop("type", PropertyType.String, "The type of the input.", defaultValue: "String", constraints: _ioTypeConstraint),
            Prop("default", PropertyType.Any, "The value when a deployment gives none."),
            Prop("replace_on_change", PropertyType.Boolean,
                "When true, a change of this input's value replaces the deployment instead of updating it.",
                defaultValue: false))));

    private static readonly PropertySchema _outputs = Prop("outputs", PropertyType.List,
        "The outputs the config declares (readable as attributes of its deployments).",
        schema: Items(PropertyType.Map, Keys(
            Prop("name", PropertyType.String, "The name of the output.", required: true),
            Prop("description", PropertyType.String, "What the output means."),
            Prop("type", PropertyType.String, "The type of the output.", defaultValue: "String", constraints: _ioTypeConstraint),
            Prop("error_output", PropertyType.Boolean,
                "When true, a deployment that signals a value for this output fails.",
                defaultValue: false))));

    private static readonly AttributeSchema _configAttribute = Attr("config", "The config text as stored.");

    /// <summary>OS::Heat::SoftwareConfig: <c>group</c>, <c>config</c> (a string), <c>options</c>, <c>inputs</c>, <c>outputs</c>.</summary>
    public static ResourceTypeSchema SoftwareConfig { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.SoftwareConfig,
        [_group, Prop("config", PropertyType.String, "The config text (a script, playbook, manifest, …)."), _options, _inputs, _outputs],
        [_configAttribute]);

    /// <summary>OS::Heat::StructuredConfig: as SoftwareConfig, but <c>config</c> is a map.</summary>
    public static ResourceTypeSchema StructuredConfig { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.StructuredConfig,
        [_group, Prop("config", PropertyType.Map, "The config as a map; get_input maps are replaced by input values when deployed."), _options, _inputs, _outputs],
        [_configAttribute]);

    /// <summary>
    /// OS::Heat::SoftwareComponent: one config per set of lifecycle actions (<c>configs</c>). Heat refuses two entries
    /// naming the same action (a check across entries, not part of this schema). Heat declares the attribute name
    /// <c>configs</c> but keeps SoftwareConfig's attributes schema, so the attribute a template may read is <c>config</c>.
    /// </summary>
    public static ResourceTypeSchema SoftwareComponent { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.SoftwareComponent,
        [
            Prop("configs", PropertyType.List, "The configs of the component, each for some lifecycle actions.",
                required: true,
                constraints: Length(min: 1),
                schema: Items(PropertyType.Map, Keys(
                    // Heat allows any action name here (hooks may handle custom ones), so there is no allowed-values list.
                    Prop("actions", PropertyType.List, "The lifecycle actions this config runs for.",
                        defaultValue: ListOf("CREATE", "UPDATE"),
                        constraints: Length(min: 1),
                        schema: Items(PropertyType.String)),
                    Prop("config", PropertyType.String, "The config text for these actions."),
                    Prop("tool", PropertyType.String, "The tool (config group) that runs this config.", required: true)))),
            _inputs,
            _outputs,
            _options,
        ],
        [_configAttribute]);

    /// <summary>OS::Heat::MultipartMime: <c>parts</c> (configs or config ids) assembled into one multi-part MIME message.</summary>
    public static ResourceTypeSchema MultipartMime { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.MultipartMime,
        [
            _group,
            Prop("parts", PropertyType.List, "The parts of the message.",
                defaultValue: ListOf(),
                schema: Items(PropertyType.Map, Keys(
                    Prop("config", PropertyType.String, "The part's content: inline text or the id of another config.", required: true),
                    Prop("filename", PropertyType.String, "The file name of the part."),
                    Prop("type", PropertyType.String, "Whether the part is text or a multi-part message to merge.",
                        defaultValue: "text", constraints: AllowedValues("text", "multipart")),
                    Prop("subtype", PropertyType.String, "The MIME subtype of a text part.")))),
        ],
        [_configAttribute]);

    /// <summary>OS::Heat::CloudConfig: a <c>cloud_config</c> map stored as <c>#cloud-config</c> YAML.</summary>
    public static ResourceTypeSchema CloudConfig { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.CloudConfig,
        [Prop("cloud_config", PropertyType.Map, "The cloud-config data, stored as YAML.")],
        [_configAttribute]);
}
