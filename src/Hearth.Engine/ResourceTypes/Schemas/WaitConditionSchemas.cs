using Hearth.Templates.Schema;
using static Hearth.Engine.ResourceTypes.Schemas.SchemaFactory;

namespace Hearth.Engine.ResourceTypes.Schemas;

/// <summary>
/// The schemas of OS::Heat::WaitConditionHandle and OS::Heat::WaitCondition (wait_condition_handle.py,
/// wait_condition.py): a server or script signals success or failure to the handle; the condition waits for them.
/// </summary>
public static class WaitConditionSchemas
{
    /// <summary>OS::Heat::WaitConditionHandle.</summary>
    public static ResourceTypeSchema WaitConditionHandle { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.WaitConditionHandle,
        [
            Prop("signal_transport", PropertyType.String, "How a client signals the handle.",
                defaultValue: "TOKEN_SIGNAL",
                constraints: AllowedValues("CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL", "TOKEN_SIGNAL")),
        ],
        [
            Attr("token", "The token to signal with (TOKEN_SIGNAL only)."),
            Attr("endpoint", "The URL to signal (TOKEN_SIGNAL only)."),
            Attr("curl_cli", "A curl command prefix that signals the handle (TOKEN_SIGNAL only)."),
            Attr("signal", "What a client needs to signal the handle, as JSON."),
        ]);

    /// <summary>OS::Heat::WaitCondition.</summary>
    public static ResourceTypeSchema WaitCondition { get; } = ResourceTypeSchema.Create(
        ResourceTypeNames.WaitCondition,
        [
            Prop("handle", PropertyType.String, "The wait condition handle that receives the signals.", required: true),
            Prop("timeout", PropertyType.Number, "Seconds to wait for the signals.", required: true, constraints: Range(1, 43200)),
            Prop("count", PropertyType.Integer, "The number of success signals to wait for.",
                defaultValue: 1L, updateAllowed: true, constraints: Range(min: 1)),
        ],
        [Attr("data", "The data of the signals received, as a JSON map by signal id.")]);
}
