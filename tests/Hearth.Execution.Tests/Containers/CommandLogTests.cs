using Hearth.Execution.Containers;
using Hearth.Execution.Hosts;

namespace Hearth.Execution.Tests.Containers;

/// <summary>A docker-cmd deployment's output (deploy_stdout, deploy_stderr): every command's, joined, its tail kept as a script's is.</summary>
public sealed class CommandLogTests
{
    [Fact]
    public void Stderr_CommandsWroteMoreThanTheBound_KeepsTheTailAfterAMarker()
    {
        var log = new CommandLog();
        var line = new string('x', 1023) + "\n";
        log.Add(new HostCommandResult(0, "id-1\n", string.Concat(Enumerable.Repeat(line, 1024))));
        log.Add(new HostCommandResult(125, "", "Error: the last words\n"));

        var stderr = log.Stderr;

        stderr.ShouldStartWith("[hearth: output truncated, the first ");
        stderr.ShouldEndWith("Error: the last words\n");
        System.Text.Encoding.UTF8.GetByteCount(stderr[(stderr.IndexOf('\n') + 1)..]).ShouldBe(CommandLog.MaxCapturedBytes);
        log.Stdout.ShouldBe("id-1\n");
    }
}
