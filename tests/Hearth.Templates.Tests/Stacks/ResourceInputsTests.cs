using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;

namespace Hearth.Templates.Tests.Stacks;

public sealed class ResourceInputsTests
{
    private static ResourceInputs InputsOf(string resources)
    {
        var text = "heat_template_version: 2021-04-16\nparameters:\n  p: {type: string}\n  q: {type: string}\n  k: {type: json}\nresources:\n" + resources;
        var diagnostics = new DiagnosticBag();
        var template = TemplateReader.Read("/inputs/t.yaml", text, diagnostics).ShouldNotBeNull();
        diagnostics.HasErrors.ShouldBeFalse(string.Join("\n", diagnostics.ToImmutable()));
        return ResourceInputs.Of(template.FindResource("r").ShouldNotBeNull());
    }

    [Fact]
    public void Of_LiteralNames_ListsParametersAndResourcesFromEverySection()
    {
        var inputs = InputsOf("""
              a: {type: OS::Heat::None}
              b: {type: OS::Heat::None}
              r:
                type: OS::Heat::Value
                metadata: {m: {get_resource: b}}
                deletion_policy: {get_param: q}
                properties:
                  value: {list_join: ['-', [{get_param: p}, {get_attr: [a, value]}, {get_param: [k, x, 0]}, {get_param: OS::stack_name}]]}
            """);

        inputs.IsComplete.ShouldBeTrue();
        inputs.Parameters.Order(StringComparer.Ordinal).ShouldBe(["OS::stack_name", "k", "p", "q"]);
        inputs.Resources.Order(StringComparer.Ordinal).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Of_BothBranchesOfIf_AreInputs()
    {
        var inputs = InputsOf("""
              a: {type: OS::Heat::None}
              r:
                type: OS::Heat::Value
                properties:
                  value: {if: [{equals: [{get_param: q}, x]}, {get_param: p}, {get_resource: a}]}
            """);

        inputs.IsComplete.ShouldBeTrue();
        inputs.Parameters.Order(StringComparer.Ordinal).ShouldBe(["p", "q"]);
        inputs.Resources.ShouldBe(["a"]);
    }

    [Theory]
    [InlineData("{get_param: {get_param: p}}")]
    [InlineData("{get_attr: [{get_param: p}, value]}")]
    [InlineData("{get_resource: {list_join: ['', [a]]}}")]
    public void Of_ComputedName_IsIncomplete(string value)
    {
        var inputs = InputsOf($"""
              a: {"{"}type: OS::Heat::None{"}"}
              r:
                type: OS::Heat::Value
                properties: {"{"}value: {value}{"}"}
            """);

        inputs.IsComplete.ShouldBeFalse();
    }
}
