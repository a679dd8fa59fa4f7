using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>
/// Which intrinsic functions each HOT version has, in value and in condition contexts (heat/engine/hot/template.py).
/// </summary>
public static class FunctionCatalog
{
    private static readonly string[] _removedFrom20141016 =
        ["Fn::GetAZs", "Fn::Join", "Fn::Split", "Fn::Replace", "Fn::Base64", "Fn::MemberListToMap", "Fn::ResourceFacade", "Ref"];

    /// <summary>
    /// The function table of a version: in values, or in condition contexts (the <c>conditions</c> section, <c>condition</c>
    /// keys, the first argument of <c>if</c>), where every normal function is invalid except the condition functions, and
    /// removed functions stay removed (Heat's HOTemplate20161014 <c>_parser_condition_functions</c>).
    /// </summary>
    public static FunctionTable For(TemplateVersion version, bool conditionContext)
    {
        var functions = ValueFunctions(version);
        if (!conditionContext)
        {
            return new FunctionTable(functions);
        }

        var table = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var (name, definition) in functions)
        {
            table[name] = definition.Kind == FunctionKind.Removed ? definition : new FunctionDefinition(name, FunctionKind.InvalidInContext, null);
        }

        foreach (var (name, definition) in ConditionFunctions(version))
        {
            table[name] = definition;
        }

        return new FunctionTable(table);
    }

    private static Dictionary<string, FunctionDefinition> ValueFunctions(TemplateVersion version)
    {
        var table = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        void Add(string name, FunctionFactory factory, bool isMacro = false) =>
            table[name] = new FunctionDefinition(name, FunctionKind.Available, factory, isMacro);
        void Remove(string name) =>
            table[name] = new FunctionDefinition(name, FunctionKind.Removed, call => new RemovedFunction(call));

        Add("get_param", call => new GetParamFunction(call));
        Add("get_resource", call => new GetResourceFunction(call));
        Add("get_attr", call => new GetAttrFunction(call));
        Add("get_file", call => new GetFileFunction(call));
        Add("list_join", call => new ListJoinFunction(call));
        Add("str_replace", call => new StrReplaceFunction(call));
        Add("resource_facade", call => new ResourceFacadeFunction(call));

        if (!version.AtLeast(TemplateVersion.V2014_10_16))
        {
            // 2013-05-23 still has the CloudFormation functions.
            Add("Fn::Select", call => new CfnSelectFunction(call));
            Add("Fn::Join", call => new CfnJoinFunction(call));
            Add("Fn::Split", call => new CfnSplitFunction(call));
            Add("Fn::Replace", call => new CfnReplaceFunction(call));
            Add("Fn::Base64", call => new CfnBase64Function(call));
            Add("Fn::MemberListToMap", call => new CfnMemberListToMapFunction(call));
            Add("Fn::ResourceFacade", call => new ResourceFacadeFunction(call));
            Add("Fn::GetAZs", CfnFunctions.Unsupported);
            Add("Ref", CfnFunctions.Unsupported);
            return table;
        }

        foreach (var name in _removedFrom20141016)
        {
            Remove(name);
        }

        if (version.AtLeast(TemplateVersion.V2015_10_15))
        {
            Remove("Fn::Select");
            Add("str_split", call => new StrSplitFunction(call));
        }
        else
        {
            Add("Fn::Select", call => new CfnSelectFunction(call));
        }

        if (version.AtLeast(TemplateVersion.V2015_04_30))
        {
            Add("repeat", call => new RepeatFunction(call));
            Add("digest", call => new DigestFunction(call));
        }

        if (version.AtLeast(TemplateVersion.V2016_04_08))
        {
            Add("map_merge", call => new MapMergeFunction(call));
        }

        if (version.AtLeast(TemplateVersion.V2016_10_14))
        {
            Add("yaql", call => new YaqlHotFunction(call));
            Add("map_replace", call => new MapReplaceFunction(call));
            Add("if", call => new IfFunction(call), isMacro: true);
        }

        if (version.AtLeast(TemplateVersion.V2017_02_24))
        {
            Add("filter", call => new FilterFunction(call));
            Add("str_replace_strict", call => new StrReplaceFunction(call));
        }

        if (version.AtLeast(TemplateVersion.V2017_09_01))
        {
            Add("make_url", call => new MakeUrlFunction(call));
            Add("list_concat", call => new ListConcatFunction(call));
            Add("list_concat_unique", call => new ListConcatFunction(call));
            Add("str_replace_vstrict", call => new StrReplaceFunction(call));
            Add("contains", call => new ContainsFunction(call));
        }

        return table;
    }

    private static Dictionary<string, FunctionDefinition> ConditionFunctions(TemplateVersion version)
    {
        var table = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        if (!version.AtLeast(TemplateVersion.V2016_10_14))
        {
            return table;
        }

        void Add(string name, FunctionFactory factory) => table[name] = new FunctionDefinition(name, FunctionKind.Available, factory);
        Add("get_param", call => new GetParamFunction(call));
        Add("equals", call => new EqualsFunction(call));
        Add("not", call => new NotFunction(call));
        Add("and", call => new ConditionBooleanFunction(call));
        Add("or", call => new ConditionBooleanFunction(call));
        if (version.AtLeast(TemplateVersion.V2017_09_01))
        {
            Add("yaql", call => new YaqlHotFunction(call));
            Add("contains", call => new ContainsFunction(call));
        }

        return table;
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
        "Fn::GetAZs" => "a parameter holding the availability zone",
        _ => "see the HOT guide",
    };
}
