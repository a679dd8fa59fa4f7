using Hearth.Cli.Tests.Commands;

namespace Hearth.Cli.Tests.EndToEnd;

/// <summary>An operation that a full disk stops part-way, in a process of its own that then exits, as a user's would.</summary>
public sealed class FullDiskTests
{
    private const int StateUnusable = 5;

    [Fact]
    public async Task StackCreate_DiskFillsMidway_Exits5AndResumesOnceSpaceIsFreed()
    {
        // The deployment fills the disk the state is on (once), so the engine's next write meets a full disk.
        using var folder = new TempDirectory();
        var marker = Path.Combine(folder.Path, "filled");
        var state = Path.Combine(folder.Path, "state");
        var template = folder.File("fill.yaml", $$$"""
            heat_template_version: 2021-04-16
            resources:
              server:
                type: OS::Heat::DeployedServer
                properties: {software_config_transport: LOCAL}
              config:
                type: OS::Heat::SoftwareConfig
                properties:
                  group: script
                  config: |
                    #!/bin/sh
                    [ -e {{{marker}}} ] || { touch {{{marker}}}; dd if=/dev/zero of={{{state}}}/filler bs=4k 2>/dev/null; }
                    echo filled
              fill:
                type: OS::Heat::SoftwareDeployment
                properties: {config: {get_resource: config}, server: {get_resource: server}}
              after:
                type: OS::Heat::TestResource
                depends_on: fill
                properties: {value: done}
            outputs:
              v: {value: {get_attr: [after, output]}}
            """);
        using var disk = StateMount.SmallDisk(state, 2048);

        var create = await HearthProcess.RunAsync("--state", state, "stack", "create", "demo", "-t", template);
        var list = await CliRunner.RunAsync("--state", state, "stack", "list");
        disk.Free();
        var resume = await CliRunner.RunAsync("--state", state, "stack", "resume", "demo");
        var output = await CliRunner.RunAsync("--state", state, "stack", "output", "show", "demo", "v");

        File.Exists(marker).ShouldBeTrue();
        create.ExitCode.ShouldBe(StateUnusable, create.ToString());
        create.Error.ShouldContain($"Cannot write the state database '{state}/hearth.db': the disk is full.");
        create.Error.ShouldContain($"an operation this stopped is interrupted: 'hearth --state {state} stack resume demo' finishes it");
        create.Error.ShouldNotContain("   at ");
        list.Out.ShouldContain("CREATE_IN_PROGRESS (interrupted)");
        resume.ExitCode.ShouldBe(0, resume.ToString());
        resume.Error.ShouldContain("Stack demo CREATE_COMPLETE");
        output.Out.ShouldBe("done" + Environment.NewLine);
    }
}
