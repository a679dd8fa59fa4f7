using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;

namespace Hearth.Templates.Tests.Stacks;

public sealed class ResourceInputsTests
{
    private static ResourceInputs InputsOf(string resources) => ResourceInputs.OfValues(ResourceOf(resources));

    private static ResourceDefinition ResourceOf(string resources)
    {
        var text = "heat_template_version: 2021-04-16\nparameters:\n  p: {type: string}\n  q: {type: string}\n  k: {type: json}\nresources:\n" + resources;
        var diagnostics = new DiagnosticBag();
        var template = TemplateReader.Read("/inputs/t.yaml", text, diagnostics).ShouldNotBeNull();
        diagnostics.HasErrors.ShouldBeFalse(string.Join("\n", diagnostics.ToImmutable()));
        return template.FindResource("r").ShouldNotBeNull();
    }

    [Fact]
    public void OfValues_LiteralNames_ListsParametersAndResourcesOfPropertiesAndMetadata()
    {
        var resource = ResourceOf("""
              a: {type: OS::Heat::None}
              b: {type: OS::Heat::None}
              r:
                type: OS::Heat::Value
                metadata: {m: {get_resource: b}}
                deletion_policy: {get_param: q}
                properties:
                  value: {list_join: ['-', [{get_param: p}, {get_attr: [a, value]}, {get_param: [k, x, 0]}, {get_param: OS::stack_name}, {get_param: p}]]}
            """);

        var values = ResourceInputs.OfValues(resource);
        values.IsComplete.ShouldBeTrue();
        values.Parameters.Order(StringComparer.Ordinal).ShouldBe(["OS::stack_name", "k", "p"]);
        values.Resources.Order(StringComparer.Ordinal).ShouldBe(["a", "b"]);
        var policies = ResourceInputs.OfPolicies(resource);
        policies.IsComplete.ShouldBeTrue();
        policies.Parameters.ShouldBe(["q"]);
        policies.Resources.ShouldBeEmpty();
    }

    [Fact]
    public void OfValues_BothBranchesOfIf_AreInputs()
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
    public void OfValues_ComputedName_IsIncomplete(string value)
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
