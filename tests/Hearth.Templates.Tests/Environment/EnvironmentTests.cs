using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Parameters;

namespace Hearth.Templates.Tests.Environment;

public sealed class EnvironmentTests
{
    private static EnvironmentFile Load(string path, string yaml, DiagnosticBag? bag = null)
    {
        var diagnostics = bag ?? new DiagnosticBag();
        var file = EnvironmentFile.Load(path, yaml, diagnostics);
        if (bag is null)
        {
            diagnostics.HasErrors.ShouldBeFalse(string.Join("\n", diagnostics.ToImmutable()));
        }

        return file;
    }

    private static object? ValueOf(StackEnvironment env, string name) => env.Parameters.Single(p => p.Name == name).Value;

    [Fact]
    public void Load_UnknownAndEmptySections_ReportPositionedErrors()
    {
        var bag = new DiagnosticBag();
        Load("/envs/e.yaml", "parameters:\n  a: 1\nresource_registry:\nparameter: {}\n", bag);
        bag.ToImmutable().Select(d => d.ToString()).ShouldBe(
        [
            "/envs/e.yaml:3:1: error HT401: environment has empty section \"resource_registry\": remove it, or give it entries",
            "/envs/e.yaml:4:1: error HT400: environment has wrong section \"parameter\" (valid sections: parameters, parameter_defaults, resource_registry, encrypted_param_names, event_sinks, parameter_merge_strategies)",
        ]);
    }

    [Fact]
    public void Load_Parameters_KeepTheirPositions()
    {
        var file = Load("/envs/e.yaml", "parameter_defaults:\n  NtpServer: pool.ntp.org\n  Count: 3\n");
        file.ParameterDefaults.Select(p => (p.Name, p.Value, p.Span.Line)).ShouldBe([("NtpServer", (object?)"pool.ntp.org", 2), ("Count", 3L, 3)]);
    }

    [Fact]
    public void Merge_Overwrite_LaterFileWins()
    {
        var a = Load("/e/a.yaml", "parameters:\n  p: one\n  q: keep\n");
        var b = Load("/e/b.yaml", "parameters:\n  p: two\n");
        var env = StackEnvironment.Merge([a, b], null, new DiagnosticBag());
        ValueOf(env, "p").ShouldBe("two");
        ValueOf(env, "q").ShouldBe("keep");
        env.Parameters.Single(p => p.Name == "p").Span.File.ShouldBe("/e/b.yaml");
    }

    [Fact]
    public void Merge_MergeStrategies_CombineByType()
    {
        var types = new Dictionary<string, ParameterType>
        {
            ["s"] = ParameterType.String, ["n"] = ParameterType.Number, ["l"] = ParameterType.CommaDelimitedList,
            ["j"] = ParameterType.Json, ["d"] = ParameterType.Json,
        };
        var a = Load("/e/a.yaml", "parameters:\n  s: ab\n  n: 1\n  l: [x]\n  j: {a: 1, m: {x: 1}}\n  d: {a: [1], m: {x: 1}, t: hi}\n");
        var b = Load("/e/b.yaml", """
            parameter_merge_strategies:
              default: merge
              d: deep_merge
            parameters:
              s: cd
              n: 2
              l: [y]
              j: {m: {y: 2}}
              d: {a: [2], m: {y: 2}, t: ' there'}
              undeclared: dropped
            """);
        var bag = new DiagnosticBag();
        var env = StackEnvironment.Merge([a, b], types, bag);
        bag.HasErrors.ShouldBeFalse(string.Join("\n", bag.ToImmutable()));
        ValueOf(env, "s").ShouldBe("abcd");
        ValueOf(env, "n").ShouldBe(3L);
        ValueOf(env, "l").ShouldBe(new List<object?> { "x", "y" });
        Values.Value.ToPythonJson(ValueOf(env, "j")).ShouldBe("{\"a\": 1, \"m\": {\"y\": 2}}");
        Values.Value.ToPythonJson(ValueOf(env, "d")).ShouldBe("{\"a\": [1, 2], \"m\": {\"x\": 1, \"y\": 2}, \"t\": \"hi there\"}");
        env.Parameters.ShouldNotContain(p => p.Name == "undeclared");
    }

    [Fact]
    public void Merge_ConflictingStrategies_IsAnError()
    {
        var a = Load("/e/a.yaml", "parameters:\n  l: a\n");
        var b = Load("/e/b.yaml", "parameter_merge_strategies: {l: merge}\nparameters:\n  l: b\n");
        var c = Load("/e/c.yaml", "parameters:\n  l: c\n");
        var bag = new DiagnosticBag();
        var env = StackEnvironment.Merge([a, b, c], new Dictionary<string, ParameterType> { ["l"] = ParameterType.CommaDelimitedList }, bag);
        var d = bag.ToImmutable().ShouldHaveSingleItem();
        d.Code.ShouldBe(DiagnosticCodes.MergeStrategyConflict);
        d.Span.File.ShouldBe("/e/c.yaml");
        ValueOf(env, "l").ShouldBe("a,b");
    }

    [Fact]
    public void Merge_BooleanWithMerge_IsAnError()
    {
        var a = Load("/e/a.yaml", "parameters:\n  b: true\n");
        var b = Load("/e/b.yaml", "parameter_merge_strategies: {default: merge}\nparameters:\n  b: false\n");
        var bag = new DiagnosticBag();
        StackEnvironment.Merge([a, b], new Dictionary<string, ParameterType> { ["b"] = ParameterType.Boolean }, bag);
        bag.ToImmutable().ShouldHaveSingleItem().Code.ShouldBe(DiagnosticCodes.MergeStrategyInvalid);
    }

    [Fact]
    public void Registry_AliasesWildcardsAndTemplates_Resolve()
    {
        var a = Load("/home/u/envs/a.yaml", """
            resource_registry:
              "OS::Networking::FloatingIP": "OS::Neutron::FloatingIP"
              "OS::Network*": "OS::Neutron*"
              "My::Server": ../templates/server.yaml
              "OS::Stub::*": OS::Heat::None
              "Alias::Server": My::Server
            """);
        var registry = StackEnvironment.Merge([a], null, new DiagnosticBag()).Registry;
        registry.ResolveType("ip", "OS::Networking::FloatingIP", []).ShouldBe(new ResolvedResourceType("OS::Neutron::FloatingIP", null, null));
        registry.ResolveType("net", "OS::Network::Net", []).Type.ShouldBe("OS::Neutron::Net");
        registry.ResolveType("x", "OS::Stub::Anything", []).Type.ShouldBe("OS::Heat::None");
        var server = registry.ResolveType("s", "Alias::Server", []);
        server.Type.ShouldBe("My::Server");
        server.TemplatePath.ShouldBe("/home/u/templates/server.yaml");
        server.RegistrySpan.ShouldNotBeNull().Line.ShouldBe(4);
        registry.ResolveType("n", "OS::Heat::None", []).ShouldBe(new ResolvedResourceType("OS::Heat::None", null, null));
        registry.ResolveType("t", "nested.yaml", []).ShouldBe(new ResolvedResourceType("nested.yaml", "nested.yaml", null));
    }

    [Fact]
    public void Registry_PerResourceOverrideAndLaterFile_Win()
    {
        var a = Load("/e/a.yaml", """
            resource_registry:
              "My::Type": a.yaml
              resources:
                special:
                  "My::Type": OS::Heat::None
            """);
        var b = Load("/e/b.yaml", "resource_registry:\n  \"My::Type\": b.yaml\n");
        var registry = StackEnvironment.Merge([a, b], null, new DiagnosticBag()).Registry;
        registry.ResolveType("ordinary", "My::Type", []).TemplatePath.ShouldBe("/e/b.yaml");
        registry.ResolveType("special", "My::Type", []).Type.ShouldBe("OS::Heat::None");
    }

    [Fact]
    public void Registry_NullEntryInLaterFile_RemovesMapping()
    {
        var a = Load("/e/a.yaml", "resource_registry:\n  \"My::Type\": a.yaml\n");
        var b = Load("/e/b.yaml", "resource_registry:\n  \"My::Type\": null\n");
        StackEnvironment.Merge([a, b], null, new DiagnosticBag()).Registry.ResolveType("r", "My::Type", []).IsTemplate.ShouldBeFalse();
    }

    [Fact]
    public void Registry_Cycle_IsReported()
    {
        var a = Load("/e/a.yaml", "resource_registry:\n  \"A::X\": B::X\n  \"B::X\": A::X\n");
        var bag = new DiagnosticBag();
        StackEnvironment.Merge([a], null, bag).Registry.ResolveType("r", "A::X", [], bag);
        bag.ToImmutable().ShouldHaveSingleItem().Code.ShouldBe(DiagnosticCodes.RegistryCycle);
    }

    [Fact]
    public void Registry_HooksAndRestrictedActions_MatchPatternsAndNesting()
    {
        var a = Load("/e/a.yaml", """
            resource_registry:
              resources:
                "db_*":
                  hooks: [pre-create, post-update]
                web:
                  hooks: pre-update
                  restricted_actions: replace
                group:
                  "member_*":
                    hooks: pre-delete
                    restricted_actions: [update, replace]
            """);
        var registry = StackEnvironment.Merge([a], null, new DiagnosticBag()).Registry;
        registry.HooksFor("db_main", []).ShouldBe(ResourceHooks.PreCreate | ResourceHooks.PostUpdate);
        registry.HooksFor("web", []).ShouldBe(ResourceHooks.PreUpdate);
        registry.HooksFor("other", []).ShouldBe(ResourceHooks.None);
        registry.RestrictedActionsFor("web", []).ShouldBe(RestrictedActions.Replace);
        registry.HooksFor("member_0", ["group"]).ShouldBe(ResourceHooks.PreDelete);
        registry.RestrictedActionsFor("member_0", ["group"]).ShouldBe(RestrictedActions.Update | RestrictedActions.Replace);
        registry.HooksFor("member_0", []).ShouldBe(ResourceHooks.None);
        (ResourceHooks.PreCreate | ResourceHooks.PostUpdate).ToNames().ShouldBe(["pre-create", "post-update"]);
    }

    [Fact]
    public void Registry_InvalidHook_ReportsAtTheHook()
    {
        var bag = new DiagnosticBag();
        var a = Load("/e/a.yaml", "resource_registry:\n  resources:\n    r:\n      hooks: [pre-create, pre-craete]\n      restricted_actions: delete\n", bag);
        StackEnvironment.Merge([a], null, bag);
        bag.ToImmutable().Select(d => d.ToString()).ShouldBe(
        [
            "/e/a.yaml:4:27: error HT403: Invalid hook type \"pre-craete\" for resource, acceptable hook types are: pre-create, pre-update, pre-delete, post-create, post-update, post-delete",
            "/e/a.yaml:5:27: error HT405: Invalid restricted_action type \"delete\" for resource, acceptable restricted_action types are: update, replace",
        ]);
    }
}
