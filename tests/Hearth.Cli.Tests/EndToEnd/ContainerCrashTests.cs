using Hearth.Cli.Tests.Containers;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>
/// The crash harness for docker-cmd: the real <c>hearth</c> is killed (SIGKILL) while a replaced container's new
/// generation runs beside the old one and waits for its health check — after the start of the new, before the old is
/// retired. A resume or a cancel then converges from the containers' labels alone: one running generation per
/// container (the new after a resume, the very same old one after a cancel), nothing unlabelled, nothing left by a delete.
/// </summary>
[Collection(PodmanCollection.Name)]
public sealed class ContainerCrashTests
{
    // The health check passes on its 40th run (4 s at 100 ms): a window wide enough to kill the engine inside it.
    private static readonly string Template = $$$"""
        heat_template_version: 2021-04-16
        parameters:
          api_image: {type: string, default: {{{PodmanHost.Image1}}}}
        resources:
          server:
            type: OS::Heat::DeployedServer
          config:
            type: OS::Heat::StructuredConfig
            properties:
              group: docker-cmd
              config:
                store: {image: {{{PodmanHost.Image1}}}, stop_signal: SIGKILL, command: [httpd, -f, -p, '80', -h, /www]}
                api:
                  image: {get_param: api_image}
                  start_order: 1
                  stop_signal: SIGKILL
                  command: [httpd, -f, -p, '80', -h, /www]
                  healthcheck:
                    test: "n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; [ $n -ge 40 ]"
                    interval: 100ms
                    retries: 100
          containers:
            type: OS::Heat::StructuredDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
        """;

    [Theory]
    [InlineData("resume")]
    [InlineData("cancel")]
    public async Task KilledBetweenStartingNewAndRetiringOld_RecoveryConvergesFromLabels(string recovery)
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var template = folder.File("containers.yaml", Template);
        var created = await HearthProcess.RunAsync("--state", state, "stack", "create", "c", "-t", template);
        created.ExitCode.ShouldBe(0, created.ToString());
        var stackLabel = $"deploy_stack_id=c/{await StackIdAsync(state)}";
        var before = Running(stackLabel);

        using (var update = HearthProcess.Start("--state", state, "stack", "update", "c", "--existing", "-P", $"api_image={PodmanHost.Image2}"))
        {
            await HearthProcess.WaitUntilAsync(() => Task.FromResult(Api(stackLabel).Count(c => c.IsRunning) == 2 || update.HasExited));
            update.HasExited.ShouldBeFalse("the update must still be waiting for the new api's health check");
            (await update.KillAsync()).ExitCode.ShouldNotBe(0);
        }

        var recovered = await HearthProcess.RunAsync("--state", state, "stack", recovery, "c");

        recovered.ExitCode.ShouldBe(0, recovered.ToString());
        var api = Api(stackLabel);
        var running = api.Where(c => c.IsRunning).ShouldHaveSingleItem();
        api.Select(c => c.Labels["hearth.generation"]).Order().ToList().ShouldBe(["1", "2"], "no third generation, no orphan");
        if (recovery == "resume")
        {
            running.Labels["hearth.generation"].ShouldBe("2");
            PodmanHost.PodmanOk("exec", running.Id, "cat", "/www/index.html").ShouldBe("v2");
        }
        else
        {
            (running.Id, running.StartedAt).ShouldBe(before["api"], "a cancel rolls back to the very same container, never restarted");
        }

        Running(stackLabel)["store"].ShouldBe(before["store"]);
        var deleted = await HearthProcess.RunAsync("--state", state, "stack", "delete", "c", "--yes");
        deleted.ExitCode.ShouldBe(0, deleted.ToString());
        PodmanHost.Containers(stackLabel).ShouldBeEmpty();
    }

    private static List<ContainerView> Api(string stackLabel) =>
        [.. PodmanHost.Containers(stackLabel).Where(c => c.Labels["container_name"] == "api")];

    private static Dictionary<string, (string Id, long StartedAt)> Running(string stackLabel) =>
        PodmanHost.Containers(stackLabel).Where(c => c.IsRunning).ToDictionary(c => c.Labels["container_name"], c => (c.Id, c.StartedAt));

    private static async Task<string> StackIdAsync(string state)
    {
        var show = await HearthProcess.RunAsync("--state", state, "stack", "show", "c", "-f", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        return Commands.CliStack.Json(show).GetProperty("id").GetString() ?? "";
    }
}
