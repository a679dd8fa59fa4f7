using Hearth.Cli.Tests.Deployments;

namespace Hearth.Cli.Tests.Containers;

/// <summary>
/// docker-cmd deployments through <c>hearth stack …</c> against real podman: a store, an API and a proxy, each its own
/// image parameter; the containers are found by their labels (<c>deploy_stack_id</c> names the stack).
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class DockerCmdStackTests
{
    private const string Web = "stop_signal: SIGKILL, command: [httpd, -f, -p, '80', -h, /www]";

    private static readonly string Template = $$$"""
        heat_template_version: 2021-04-16
        parameters:
          store_image: {type: string, default: {{{PodmanHost.Image1}}}}
          api_image: {type: string, default: {{{PodmanHost.Image1}}}}
          proxy_image: {type: string, default: {{{PodmanHost.Image1}}}}
          migrate_exit: {type: string, default: ''}
        conditions:
          migrates: {not: {equals: [{get_param: migrate_exit}, '']}}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::StructuredConfig
            properties:
              group: docker-cmd
              config:
                store: {image: {get_param: store_image}, start_order: 0, {{{Web}}}}
                api: {image: {get_param: api_image}, start_order: 2, {{{Web}}}}
                proxy: {image: {get_param: proxy_image}, start_order: 3, {{{Web}}}}
                migrate:
                  if:
                  - migrates
                  - image: {get_param: api_image}
                    start_order: 1
                    detach: false
                    command: [sh, -c, {list_join: [' ', [echo migrating; echo the schema is locked >&2; exit, {get_param: migrate_exit}]]}]
          containers:
            type: OS::Heat::StructuredDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
        """;

    [Fact]
    public async Task StackUpdate_SameParameters_NoContainerRestarted()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync();
        var before = await RunningAsync(stack);
        before.Keys.Order().ShouldBe(["api", "proxy", "store"]);

        var update = await stack.UpdateAsync("store_image=" + PodmanHost.Image1);

        update.ExitCode.ShouldBe(0, update.ToString());
        (await RunningAsync(stack)).ShouldBe(before);
    }

    [Fact]
    public async Task StackUpdate_OneImageChanged_OnlyThatContainerReplaced()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync();
        var before = await RunningAsync(stack);

        var update = await stack.UpdateAsync("api_image=" + PodmanHost.Image2);

        update.ExitCode.ShouldBe(0, update.ToString());
        var after = await RunningAsync(stack);
        after["store"].ShouldBe(before["store"]);
        after["proxy"].ShouldBe(before["proxy"]);
        after["api"].Id.ShouldNotBe(before["api"].Id);
        PodmanHost.PodmanOk("exec", after["api"].Id, "cat", "/www/index.html").ShouldBe("v2");
    }

    [Fact]
    public async Task StackUpdate_MigrationFails_RollbackRestartsTheVerySameContainers()
    {
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync();
        var before = await RunningAsync(stack);

        var update = await stack.UpdateAsync("api_image=" + PodmanHost.Image2, "proxy_image=" + PodmanHost.Image2, "migrate_exit=4");

        update.ExitCode.ShouldNotBe(0, update.ToString());
        update.Error.ShouldContain("""
              failed: containers: Deployment to server failed: container 'migrate' exited with 4, not one of its exit_codes [0]
                containers stderr:
                  the schema is locked
                containers stdout
            """.ReplaceLineEndings("\n"));
        (await stack.StatusAsync()).ShouldBe("ROLLBACK_COMPLETE");
        (await RunningAsync(stack)).ShouldBe(before);
    }

    [Fact]
    public async Task StackUpdate_HealthCheckNeverPasses_StackRolledBackOldApiStillRunning()
    {
        var template = Template.Replace(
            "api: {image: {get_param: api_image}, start_order: 2,",
            "api: {image: {get_param: api_image}, start_order: 2, healthcheck: {test: {if: [{equals: [{get_param: api_image}, " + PodmanHost.Image2 + "]}, 'false', 'true']}, interval: 100ms, retries: 3},",
            StringComparison.Ordinal);
        await using var stack = new DeploymentStack(template);
        await stack.CreateAsync();
        var before = await RunningAsync(stack);

        var update = await stack.UpdateAsync("api_image=" + PodmanHost.Image2);

        update.ExitCode.ShouldNotBe(0, update.ToString());
        update.ToString().ShouldContain("container 'api': its health check did not pass in 3 tries");
        (await RunningAsync(stack)).ShouldBe(before);
    }

    [Fact]
    public async Task StackDelete_RemovesTheStacksContainersAndNoOther()
    {
        var foreign = PodmanHost.PodmanOk("run", "-d", "--label", "container_name=api", PodmanHost.Image1, "sleep", "600");
        await using var stack = new DeploymentStack(Template);
        await stack.CreateAsync();
        await stack.UpdateAsync("api_image=" + PodmanHost.Image2);
        var stackId = await StackIdAsync(stack);
        PodmanHost.Containers($"deploy_stack_id={stackId}").Count.ShouldBe(4, "three running and the retained api");

        var delete = await stack.RunAsync("stack", "delete", DeploymentStack.Name, "--yes");

        delete.ExitCode.ShouldBe(0, delete.ToString());
        PodmanHost.Containers($"deploy_stack_id={stackId}").ShouldBeEmpty();
        PodmanHost.PodmanOk("inspect", "--format", "{{.State.Running}}", foreign).ShouldBe("true");
    }

    /// <summary>The stack's <c>deploy_stack_id</c> label: <c>NAME/ID</c>.</summary>
    private static async Task<string> StackIdAsync(DeploymentStack stack)
    {
        var show = await stack.RunAsync("stack", "show", DeploymentStack.Name, "-f", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        return $"{DeploymentStack.Name}/{Commands.CliStack.Json(show).GetProperty("id").GetString()}";
    }

    /// <summary>The running containers of the stack by config name: id and start time.</summary>
    private static async Task<Dictionary<string, (string Id, long StartedAt)>> RunningAsync(DeploymentStack stack) =>
        PodmanHost.Containers($"deploy_stack_id={await StackIdAsync(stack)}")
            .Where(c => c.IsRunning)
            .ToDictionary(c => c.Labels["container_name"], c => (c.Id, c.StartedAt));
}
