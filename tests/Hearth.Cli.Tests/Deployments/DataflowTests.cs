namespace Hearth.Cli.Tests.Deployments;

/// <summary>On update, a changed output re-runs exactly the deployments whose inputs use it.</summary>
public sealed class DataflowTests
{
    // a passes its version on; b reduces it to the major version; c takes b's; d stands apart.
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          version: {type: string, default: '1.0'}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL, max_concurrent_deployments: 4}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: in}]
              outputs: [{name: out}]
              config: |
                #!/bin/sh
                echo "$deploy_resource_name $deploy_action in=$in" >> @DIR@/runs.log
                case "$deploy_resource_name" in
                  b) printf '%s' "${in%%.*}" > "${heat_outputs_path}.out" ;;
                  *) printf '%s' "$in" > "${heat_outputs_path}.out" ;;
                esac
          a:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {in: {get_param: version}}}
          b:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {in: {get_attr: [a, out]}}}
          c:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {in: {get_attr: [b, out]}}}
          d:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {in: unrelated}}
        outputs:
          c: {value: {get_attr: [c, out]}}
        """;

    [Fact]
    public async Task Update_UpstreamInputChanges_RerunsOnlyTheDeploymentsWhoseInputsChanged()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync();
        stack.Lines("runs.log").Order(StringComparer.Ordinal).ShouldBe(["a CREATE in=1.0", "b CREATE in=1.0", "c CREATE in=1", "d CREATE in=unrelated"]);

        // 1.0 → 1.1: a and b re-run; b's output stays "1", so c does not.
        var minor = await stack.UpdateAsync("version=1.1");

        minor.ExitCode.ShouldBe(0, minor.ToString());
        stack.Lines("runs.log").Skip(4).ShouldBe(["a UPDATE in=1.1", "b UPDATE in=1.1"]);

        // 1.1 → 2.0: b's output becomes "2", so c re-runs too; d never does.
        var major = await stack.UpdateAsync("version=2.0");

        major.ExitCode.ShouldBe(0, major.ToString());
        stack.Lines("runs.log").Skip(6).ShouldBe(["a UPDATE in=2.0", "b UPDATE in=2.0", "c UPDATE in=2"]);
        (await stack.OutputAsync("c")).ShouldBe("2");
    }
}
