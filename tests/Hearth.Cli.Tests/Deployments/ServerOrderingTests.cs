namespace Hearth.Cli.Tests.Deployments;

/// <summary>A server runs at most max_concurrent_deployments at once, in name order when the graph leaves them unordered.</summary>
public sealed class ServerOrderingTests
{
    // Three independent deployments, declared out of name order. Each logs its start, waits until another has
    // started too (bounded: about 3 s), then logs its end; alone on a server it simply waits out the bound.
    private const string Template = """
        heat_template_version: 2021-04-16
        parameters:
          max: {type: number, default: 1}
          wait_for_company: {type: boolean, default: false}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties:
              software_config_transport: LOCAL
              max_concurrent_deployments: {get_param: max}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: wait_for_company, type: Boolean}]
              config: |
                #!/bin/sh
                log=@DIR@/order.log
                echo "$deploy_resource_name start" >> "$log"
                i=0
                while [ "$wait_for_company" = True ] && [ "$(grep -c start "$log")" -lt 2 ] && [ $i -lt 60 ]; do
                  sleep 0.05; i=$((i + 1))
                done
                echo "$deploy_resource_name end" >> "$log"
          c_third:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {wait_for_company: {get_param: wait_for_company}}}
          a_first:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {wait_for_company: {get_param: wait_for_company}}}
          b_second:
            type: OS::Heat::SoftwareDeployment
            properties: {config: {get_resource: config}, server: {get_resource: server}, input_values: {wait_for_company: {get_param: wait_for_company}}}
        """;

    [Fact]
    public async Task Create_MaxConcurrentOne_RunsOneAtATimeInNameOrder()
    {
        await using var stack = new DeploymentStack(Template);

        await stack.CreateAsync("--parameter", "max=1");

        stack.Lines("order.log").ShouldBe([
            "a_first start", "a_first end",
            "b_second start", "b_second end",
            "c_third start", "c_third end",
        ]);
    }

    [Fact]
    public async Task Create_MaxConcurrentTwo_RunsTwoAtOnceAndNeverThree()
    {
        await using var stack = new DeploymentStack(Template);

        await stack.CreateAsync("--parameter", "max=2", "--parameter", "wait_for_company=true");

        var lines = stack.Lines("order.log");
        lines.Length.ShouldBe(6, string.Join("\n", lines));
        var running = 0;
        var most = 0;
        foreach (var line in lines)
        {
            running += line.EndsWith(" start", StringComparison.Ordinal) ? 1 : -1;
            most = Math.Max(most, running);
        }

        most.ShouldBe(2, string.Join("\n", lines));
        lines.Take(2).Order(StringComparer.Ordinal).ShouldBe(["a_first start", "b_second start"]);
    }
}
