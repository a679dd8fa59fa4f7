using Hearth.Engine.ResourceTypes;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Engine.Tests.ResourceTypes;

/// <summary><c>PropertyValidator</c> against the built-in schemas, on the properties sections of real templates.</summary>
public sealed class PropertyValidationTests
{
    [Fact]
    public void Validate_PropertiesGivenAndDefaulted_ComeInNameOrderWhateverTheProcessHashing()
    {
        // The schemas are hash maps, whose order string hashing (random per process) decides: the stored properties,
        // and so `stack resource show`, must not change from one process to the next.
        var snippet = PropertySnippet.Validate(ResourceTypeNames.TestResource, """
            value: hello
            fail: false
            """);

        snippet.Diagnostics.ShouldBeEmpty();
        snippet.Result.Keys.Count().ShouldBeGreaterThan(5);
        snippet.Result.Keys.ShouldBe(snippet.Result.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_MisspeltProperty_ReportsUnknownPropertyWithHint()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.TestResource, """
            vaule: hello
            fail: false
            """);

        var diagnostic = snippet.Single(DiagnosticCodes.UnknownProperty);
        diagnostic.Message.ShouldStartWith("unknown property 'vaule' for OS::Heat::TestResource (did you mean 'value'?)");
        diagnostic.Span.Line.ShouldBe(1);
        diagnostic.Span.Column.ShouldBe(1);
    }

    [Fact]
    public void Validate_MisspeltNestedKey_ReportsItsPathAndHint()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.ResourceGroup, """
            count: 2
            resource_def:
              type: OS::Heat::TestResource
              propertes:
                value: x
            """);

        var diagnostic = snippet.Single(DiagnosticCodes.UnknownProperty);
        diagnostic.Message.ShouldContain("'resource_def.propertes'");
        diagnostic.Message.ShouldContain("did you mean 'properties'?");
        diagnostic.Span.Line.ShouldBe(4);
    }

    [Fact]
    public void Validate_DeploymentWithoutServer_ReportsRequiredProperty()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.SoftwareDeployment, """
            config: 0b5f2c6e-config-id
            input_values: {foo: bar}
            """);

        var diagnostic = snippet.Single(DiagnosticCodes.PropertyRequired);
        diagnostic.Message.ShouldBe("resource 'res' (OS::Heat::SoftwareDeployment) needs the property 'server'");
    }

    [Fact]
    public void Validate_RequiredKeyMissingInListItem_ReportsItsPath()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.SoftwareConfig, """
            group: script
            inputs:
              - name: foo
              - description: no name
            """);

        snippet.Single(DiagnosticCodes.PropertyRequired).Message.ShouldContain("'inputs[1].name'");
    }

    [Theory]
    [InlineData("OS::Heat::ResourceGroup", "count: three\nresource_def: {type: OS::Heat::None}", "count")]
    [InlineData("OS::Heat::ResourceGroup", "resource_def: [OS::Heat::None]", "resource_def")]
    [InlineData("OS::Heat::TestResource", "fail: yes please", "fail")]
    [InlineData("OS::Heat::TestResource", "value: [a, b]", "value")]
    [InlineData("OS::Heat::SoftwareDeployment", "server: abc\nactions: CREATE", "actions")]
    [InlineData("OS::Heat::StructuredConfig", "config: just text", "config")]
    public void Validate_WrongType_ReportsPropertyWrongType(string type, string yaml, string property)
    {
        var snippet = PropertySnippet.Validate(type, yaml);

        snippet.Single(DiagnosticCodes.PropertyWrongType).Message.ShouldStartWith($"property '{property}' of resource 'res': ");
    }

    [Theory]
    [InlineData("OS::Heat::RandomString", "length: 0", "0 is out of range (min: 1, max: 512)")]
    [InlineData("OS::Heat::RandomString", "character_classes: [{class: symbols}]", "\"symbols\" is not an allowed value")]
    [InlineData("OS::Heat::ResourceGroup", "count: -1\nresource_def: {type: OS::Heat::None}", "-1 is out of range (min: 0, max: None)")]
    [InlineData("OS::Heat::ResourceGroup", "index_var: '%i'\nresource_def: {type: OS::Heat::None}", "length (2) is out of range (min: 3, max: None)")]
    [InlineData("OS::Heat::SoftwareDeployment", "server: abc\nactions: [CREATE, DESTROY]", "[\"CREATE\", \"DESTROY\"] is not an allowed value [\"CREATE\", \"UPDATE\", \"DELETE\", \"SUSPEND\", \"RESUME\"]")]
    [InlineData("OS::Heat::SoftwareConfig", "outputs: [{name: x, type: Integer}]", "\"Integer\" is not an allowed value")]
    [InlineData("OS::Heat::WaitCondition", "handle: h\ntimeout: 50000", "50000 is out of range (min: 1, max: 43200)")]
    [InlineData("OS::Heat::DeployedServer", "software_config_transport: TELNET", "\"TELNET\" is not an allowed value")]
    [InlineData("OS::Heat::SoftwareComponent", "configs: []", "length (0) is out of range (min: 1, max: None)")]
    public void Validate_ConstraintViolated_ReportsConstraintFailed(string type, string yaml, string problem)
    {
        var snippet = PropertySnippet.Validate(type, yaml);

        snippet.Single(DiagnosticCodes.PropertyConstraintFailed).Message.ShouldContain(problem);
    }

    [Fact]
    public void Validate_ListOfAllowedActions_PassesEachItem()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.SoftwareDeployment, """
            server: abc
            actions: [CREATE, DELETE, SUSPEND]
            """);

        snippet.Diagnostics.ShouldBeEmpty();
        Value.DeepEquals(snippet.Result["actions"], new List<object?> { "CREATE", "DELETE", "SUSPEND" }).ShouldBeTrue();
    }

    [Fact]
    public void Validate_ConvertibleScalars_ConvertsAsHeatDoes()
    {
        var group = PropertySnippet.Validate(ResourceTypeNames.ResourceGroup, """
            count: "5"
            resource_def: {type: OS::Heat::None}
            """);
        var test = PropertySnippet.Validate(ResourceTypeNames.TestResource, """
            value: 5
            update_replace_value: true
            fail: "true"
            update_replace: "False"
            wait_secs: "1.5"
            """);

        group.Diagnostics.ShouldBeEmpty();
        group.Result["count"].ShouldBe(5L);
        test.Diagnostics.ShouldBeEmpty();
        test.Result["value"].ShouldBe("5");
        test.Result["update_replace_value"].ShouldBe("True");
        test.Result["fail"].ShouldBe(true);
        test.Result["update_replace"].ShouldBe(false);
        test.Result["wait_secs"].ShouldBe(1.5);
    }

    [Fact]
    public void Validate_AbsentOrNullProperties_TakeDefaultsNullOrZeroValuesAsHeat()
    {
        var deployment = PropertySnippet.Validate(ResourceTypeNames.SoftwareDeployment, "server: abc");
        var random = PropertySnippet.Validate(ResourceTypeNames.RandomString, "salt: ~");
        var server = PropertySnippet.Validate(ResourceTypeNames.DeployedServer, "ssh: {host: db1}");

        deployment.Diagnostics.ShouldBeEmpty();
        Value.DeepEquals(deployment.Result["actions"], new List<object?> { "CREATE", "UPDATE" }).ShouldBeTrue();
        deployment.Result["signal_transport"].ShouldBe("CFN_SIGNAL");
        deployment.Result["config"].ShouldBeNull();
        random.Result["length"].ShouldBe(32L);
        random.Result["salt"].ShouldBe("");
        random.Result["character_sequences"].ShouldBeNull();
        var classes = random.Result["character_classes"].ShouldBeAssignableTo<IReadOnlyList<object?>>().ShouldNotBeNull();
        var only = classes.ShouldHaveSingleItem().ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>().ShouldNotBeNull();
        only["class"].ShouldBe("lettersdigits");
        only["min"].ShouldBe(1L);
        server.Diagnostics.ShouldBeEmpty();
        server.Result["software_config_transport"].ShouldBe("LOCAL");
        var ssh = server.Result["ssh"].ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>().ShouldNotBeNull();
        ssh["host"].ShouldBe("db1");
        ssh["port"].ShouldBe(22L);
    }

    [Fact]
    public void Validate_ExplicitNull_IsConvertedAndCheckedAsHeatDoes()
    {
        // Heat: an explicit null is the type's zero value, checked like any value, and satisfies "required".
        var deployment = PropertySnippet.Validate(ResourceTypeNames.SoftwareDeployment, "server: null");
        var random = PropertySnippet.Validate(ResourceTypeNames.RandomString, "sequence: null");

        deployment.Diagnostics.ShouldBeEmpty();
        deployment.Result["server"].ShouldBe("");
        random.Single(DiagnosticCodes.PropertyConstraintFailed).Message.ShouldContain("\"\" is not an allowed value");
    }

    [Theory]
    [InlineData("2.5", 2L)]
    [InlineData("-1.9", -1L)]
    [InlineData("' 3 '", 3L)]
    [InlineData("true", 1L)]
    public void Validate_IntegerFromFloatBoolOrPaddedString_ConvertsWithPythonInt(string yaml, long expected)
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.WaitCondition, $"handle: h\ntimeout: 10\ncount: {yaml}");

        snippet.Result["count"].ShouldBe(expected);
    }

    [Fact]
    public void Validate_IntegerFromDecimalString_ReportsWrongType()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.WaitCondition, "handle: h\ntimeout: 10\ncount: '2.5'");

        snippet.Single(DiagnosticCodes.PropertyWrongType).Message.ShouldContain("'2.5' is not an integer");
    }

    [Fact]
    public void Validate_HearthSshServer_Validates()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.DeployedServer, """
            software_config_transport: SSH
            max_concurrent_deployments: 4
            ssh:
              host: 10.0.0.5
              port: "2222"
              user: deploy
              key_file: ~/.ssh/id_ed25519
              known_host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINX7XFAGXA24XPn+F1ER94sPEJVNBeaCmyx+yTcayZYi
            """);

        snippet.Diagnostics.ShouldBeEmpty();
        snippet.Result["ssh"].ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>().ShouldNotBeNull()["port"].ShouldBe(2222L);
    }

    [Fact]
    public void Validate_ZeroConcurrentDeployments_ReportsConstraintFailed()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.DeployedServer, "max_concurrent_deployments: 0");

        snippet.Single(DiagnosticCodes.PropertyConstraintFailed).Message.ShouldContain("0 is out of range (min: 1, max: None)");
    }

    [Fact]
    public void Validate_NoneWithAnything_AcceptsIt()
    {
        var snippet = PropertySnippet.Validate(ResourceTypeNames.None, "whatever: [1, 2]\nflavor: m1.small");

        snippet.Diagnostics.ShouldBeEmpty();
        snippet.Result.Keys.ShouldBe(["whatever", "flavor"]);
    }

    [Fact]
    public void Validate_ValueWithNumberType_RetypesValue()
    {
        var ok = PropertySnippet.Validate(UtilitySchemas.ValueWithType("number"), "value: '4.5'\ntype: number");
        var bad = PropertySnippet.Validate(UtilitySchemas.ValueWithType("number"), "value: four\ntype: number");
        var untyped = PropertySnippet.Validate(UtilitySchemas.ValueWithType(null), "value: [1, two]");

        ok.Diagnostics.ShouldBeEmpty();
        ok.Result["value"].ShouldBe(4.5);
        bad.Single(DiagnosticCodes.PropertyWrongType).Message.ShouldContain("'four' is not a number");
        untyped.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void ValidateUpdatePolicy_ResourceGroupRollingUpdate_ConvertsAndDefaults()
    {
        var snippet = PropertySnippet.ValidateUpdatePolicy(ResourceTypeNames.ResourceGroup, """
            rolling_update:
              max_batch_size: "2"
            """);

        snippet.Diagnostics.ShouldBeEmpty();
        var policy = snippet.Result["rolling_update"].ShouldBeAssignableTo<IReadOnlyDictionary<string, object?>>().ShouldNotBeNull();
        policy["max_batch_size"].ShouldBe(2L);
        policy["min_in_service"].ShouldBe(0L);
        policy["pause_time"].ShouldBe(0L);
    }

    [Fact]
    public void ValidateUpdatePolicy_ZeroBatchSize_ReportsConstraintFailed()
    {
        var snippet = PropertySnippet.ValidateUpdatePolicy(ResourceTypeNames.SoftwareDeploymentGroup, "batch_create: {max_batch_size: 0}");

        snippet.Single(DiagnosticCodes.PropertyConstraintFailed).Message.ShouldContain("'batch_create.max_batch_size'");
    }

    [Fact]
    public void ValidateUpdatePolicy_MinInServiceOnDeploymentGroup_ReportsUnknownKey()
    {
        var snippet = PropertySnippet.ValidateUpdatePolicy(ResourceTypeNames.SoftwareDeploymentGroup, "rolling_update: {min_in_service: 1}");

        snippet.Single(DiagnosticCodes.UnknownProperty).Message
            .ShouldBe("unknown update policy 'rolling_update.min_in_service' for OS::Heat::SoftwareDeploymentGroup; known keys: max_batch_size, pause_time");
    }

    [Fact]
    public void ValidateUpdatePolicy_TypeWithoutPolicies_ReportsAnyKey()
    {
        var snippet = PropertySnippet.ValidateUpdatePolicy(ResourceTypeNames.TestResource, "rolling_update: {}");

        snippet.Single(DiagnosticCodes.UnknownProperty).Message
            .ShouldBe("unknown update policy 'rolling_update' for OS::Heat::TestResource; known keys: none");
    }
}
