using Hearth.Execution.Containers;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Execution.Tests.Containers;

/// <summary>
/// Which containers of a config are converged together: detached runs next to each other with the same start_order;
/// a one-shot or an exec alone, after everything before it (Heat's hook and paunch run a config one container at a
/// time in start_order, and a one-shot holds up what follows it).
/// </summary>
public sealed class ContainerGroupsTests
{
    [Fact]
    public void Groups_DetachedOfOneStartOrder_TogetherOneShotAndExecAlone()
    {
        var reading = DockerCmdConfig.Read("""
            store: {image: i, start_order: 0}
            cache: {image: i, start_order: 0}
            migrate: {image: i, start_order: 1, detach: false}
            api: {image: i, start_order: 1}
            worker: {image: i, start_order: 1}
            seed: {action: exec, start_order: 1, command: [api, true]}
            proxy: {image: i, start_order: 1}
            late: {image: i, start_order: 2}
            """);
        reading.IsValid.ShouldBeTrue();

        var groups = ContainerUpdate.Groups(reading.Containers).Select(g => string.Join(" ", g.Select(s => s.Name)));

        groups.ShouldBe(["store cache", "migrate", "api worker", "seed", "proxy", "late"]);
    }
}
