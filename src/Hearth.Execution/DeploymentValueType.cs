namespace Hearth.Execution;

/// <summary>
/// The type of a config input or output (Heat's software_config_io types). The numeric values are persisted: never
/// change one (a test guards them).
/// </summary>
public enum DeploymentValueType
{
    String = 0,
    Number = 1,
    CommaDelimitedList = 2,
    Json = 3,
    Boolean = 4,
}

/// <summary>Heat's names for <see cref="DeploymentValueType"/>.</summary>
public static class DeploymentValueTypes
{
    /// <summary>Reads a Heat type name (<c>String</c>, <c>Number</c>, <c>CommaDelimitedList</c>, <c>Json</c>, <c>Boolean</c>); null or empty is String.</summary>
    public static bool TryParse(string? name, out DeploymentValueType type)
    {
        switch (name)
        {
            case null or "" or "String":
                type = DeploymentValueType.String;
                return true;
            case "Number":
                type = DeploymentValueType.Number;
                return true;
            case "CommaDelimitedList":
                type = DeploymentValueType.CommaDelimitedList;
                return true;
            case "Json":
                type = DeploymentValueType.Json;
                return true;
            case "Boolean":
                type = DeploymentValueType.Boolean;
                return true;
            default:
                type = DeploymentValueType.String;
                return false;
        }
    }

    /// <summary>The Heat name of the type, as a config document spells it.</summary>
    public static string ToHeatName(this DeploymentValueType type) => type switch
    {
        DeploymentValueType.String => "String",
        DeploymentValueType.Number => "Number",
        DeploymentValueType.CommaDelimitedList => "CommaDelimitedList",
        DeploymentValueType.Json => "Json",
        DeploymentValueType.Boolean => "Boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
