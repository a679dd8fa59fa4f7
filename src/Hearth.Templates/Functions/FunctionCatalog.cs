using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>
/// Which intrinsic functions each HOT version has, in value and in condition contexts (heat/engine/hot/template.py).
/// </summary>
public static class FunctionCatalog
{
    public static FunctionTable For(TemplateVersion version, bool conditionContext)
    {
        var definitions = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        _ = version;
        _ = conditionContext;
        return new FunctionTable(definitions);
    }

    /// <summary>What to write instead of a removed CloudFormation-style function.</summary>
    public static string ReplacementHint(string name) => name switch
    {
        "Ref" => "get_param or get_resource",
        "Fn::GetAtt" => "get_attr",
        "Fn::Join" => "list_join",
        "Fn::Select" => "a get_param or get_attr path",
        "Fn::Split" => "str_split",
        "Fn::Replace" => "str_replace",
        "Fn::Base64" => "the plain string",
        "Fn::MemberListToMap" => "a map",
        "Fn::ResourceFacade" => "resource_facade",
        _ => "see the HOT guide",
    };
}
