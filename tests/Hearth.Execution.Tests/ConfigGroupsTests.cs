namespace Hearth.Execution.Tests;

public class ConfigGroupsTests
{
    private const string Component = """
        {"configs": [
          {"actions": ["CREATE"], "tool": "script", "config": "#!/bin/sh\necho create"},
          {"actions": ["UPDATE", "SUSPEND"], "tool": "ungrouped", "config": "#!/bin/sh\necho update"},
          {"tool": "script", "config": "#!/bin/sh\necho default"}
        ]}
        """;

    [Theory]
    [InlineData("script")]
    [InlineData("ungrouped")]
    [InlineData("Heat::Ungrouped")]
    public void Select_ScriptGroups_RunConfigAsIs(string group)
    {
        ConfigGroups.Select(group, "#!/bin/sh\ntrue", "CREATE").ShouldBe(new ConfigSelection.Run(group, "#!/bin/sh\ntrue"));
    }

    [Theory]
    [InlineData("CREATE", "script", "#!/bin/sh\necho create")]
    [InlineData("UPDATE", "ungrouped", "#!/bin/sh\necho update")]
    [InlineData("SUSPEND", "ungrouped", "#!/bin/sh\necho update")]
    public void Select_Component_PicksFirstEntryListingTheAction(string action, string tool, string config)
    {
        ConfigGroups.Select("component", Component, action).ShouldBe(new ConfigSelection.Run(tool, config));
    }

    [Fact]
    public void Select_ComponentEntryWithoutActions_DefaultsToCreateAndUpdate()
    {
        const string config = """{"configs": [{"tool": "script", "config": "x"}]}""";

        ConfigGroups.Select("component", config, "UPDATE").ShouldBe(new ConfigSelection.Run("script", "x"));
        ConfigGroups.Select("component", config, "DELETE").ShouldBeOfType<ConfigSelection.NotRun>().Status.ShouldBe(DeploymentStatus.Skipped);
    }

    [Fact]
    public void Select_ComponentWithoutEntryForAction_Skipped()
    {
        var selection = ConfigGroups.Select("component", Component, "DELETE").ShouldBeOfType<ConfigSelection.NotRun>();

        selection.Status.ShouldBe(DeploymentStatus.Skipped);
        selection.Reason.ShouldBe("The component has no config for action DELETE");
    }

    [Fact]
    public void Select_UnknownGroup_FailedNamingSupportedGroups()
    {
        var selection = ConfigGroups.Select("docker-compose", "{}", "CREATE").ShouldBeOfType<ConfigSelection.NotRun>();

        selection.Status.ShouldBe(DeploymentStatus.Failed);
        selection.Reason.ShouldBe("Config group 'docker-compose' is not supported; supported groups: script, ungrouped, Heat::Ungrouped, component, docker-cmd");
    }

    [Fact]
    public void Select_ComponentEntryWithUnknownTool_Failed()
    {
        const string config = """{"configs": [{"actions": ["CREATE"], "tool": "ansible", "config": "- hosts: all"}]}""";

        var selection = ConfigGroups.Select("component", config, "CREATE").ShouldBeOfType<ConfigSelection.NotRun>();

        selection.Status.ShouldBe(DeploymentStatus.Failed);
        selection.Reason.ShouldStartWith("Config group 'ansible' (the tool of the component entry for CREATE) is not supported; supported groups: script");
    }

    [Theory]
    [InlineData("not json", "The component config is not valid JSON")]
    [InlineData("{}", "The component config has no 'configs' list")]
    [InlineData("""{"configs": ["x"]}""", "A component 'configs' entry is not a map")]
    public void Select_MalformedComponent_Failed(string config, string reason)
    {
        var selection = ConfigGroups.Select("component", config, "CREATE").ShouldBeOfType<ConfigSelection.NotRun>();

        selection.Status.ShouldBe(DeploymentStatus.Failed);
        selection.Reason.ShouldStartWith(reason);
    }
}
