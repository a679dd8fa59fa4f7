using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.Templates;

/// <summary>Outputs whose values Heat 19 gave for the same templates (heat-all and heat_eval.py, the tools of shared/tools/heat).</summary>
public sealed class HeatAnswerTests
{
    [Fact]
    public async Task Create_NestedTemplateUsingResourceFacade_SeesTheParentResourcesMetadataAndPolicies()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            parameters:
              role: {type: string, default: web}
            resources:
              with_all:
                type: facade.yaml
                metadata:
                  role: {get_param: role}
                deletion_policy: Retain
              bare:
                type: facade.yaml
            outputs:
              with_all:
                value: {get_attr: [with_all]}
              bare:
                value: {get_attr: [bare]}
            """);
        stack.File("facade.yaml", """
            heat_template_version: 2021-04-16
            outputs:
              metadata:
                value: {resource_facade: metadata}
              deletion_policy:
                value: {resource_facade: deletion_policy}
              update_policy:
                value: {resource_facade: update_policy}
            """);
        await stack.CreateAsync();

        var outputs = await OutputsAsync(stack);

        outputs.ShouldBe("""{"with_all":{"deletion_policy":"Retain","metadata":{"role":"web"},"update_policy":{}},"bare":{"deletion_policy":"Delete","metadata":{},"update_policy":{}}}""");
    }

    [Fact]
    public async Task Create_GetAttrOfNoneResource_ShowIsNullAndAllAttributesHoldThoseOutputsName()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            resources:
              r:
                type: OS::Heat::None
                properties: {a: 1}
            outputs:
              show:
                value: {get_attr: [r, show]}
              all:
                value: {get_attr: [r]}
              anything:
                value: {get_attr: [r, anything]}
              path:
                value: {get_attr: [r, other, x]}
            """);
        await stack.CreateAsync();

        var outputs = await OutputsAsync(stack);

        outputs.ShouldBe("""{"show":null,"all":{"anything":null},"anything":null,"path":null}""");
    }

    [Fact]
    public async Task OutputShowAll_StackWithoutOutputs_PrintsAnEmptyList()
    {
        using var stack = new CliStack("""
            heat_template_version: 2021-04-16
            resources:
              r: {type: OS::Heat::None}
            """);
        await stack.CreateAsync();

        var json = await stack.RunAsync("stack", "output", "show", "demo", "--all", "-f", "json");
        var table = await stack.RunAsync("stack", "output", "show", "demo", "--all");

        json.ExitCode.ShouldBe(0, json.ToString());
        json.Out.Trim().ShouldBe("[]");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Error.ShouldBeEmpty();
    }

    /// <summary>The outputs as one compact JSON object, in template order.</summary>
    private static async Task<string> OutputsAsync(CliStack stack)
    {
        var result = await stack.RunAsync("stack", "output", "show", "demo", "--all", "-f", "json");
        result.ExitCode.ShouldBe(0, result.ToString());
        var pairs = CliStack.Json(result).EnumerateArray()
            .Select(o => $"\"{o.GetProperty("output_key").GetString()}\":{o.GetProperty("output_value").GetRawText()}");
        return System.Text.RegularExpressions.Regex.Replace("{" + string.Join(",", pairs) + "}", @"\s+", "");
    }
}
