using System.Text;
using Hearth.Execution.Scripts;
using Hearth.Execution.Ssh;

namespace Hearth.Execution.Tests.Ssh;

/// <summary>A run's reply as the dispatcher writes it, read back; a reply that is not one is no reply (never an exception).</summary>
public sealed class RemoteReplyTests
{
    [Fact]
    public void Parse_Reply_GivesTheRun()
    {
        var outcome = RemoteReply.Parse(Encoding.UTF8.GetBytes("status 3\nstdout 5 5\nhellostderr 0 0\nend\n"), "outputs/CREATE", 1000, ScriptTermination.Exited);

        var run = outcome.ShouldNotBeNull().Run.ShouldNotBeNull();
        run.ExitCode.ShouldBe(3);
        run.Stdout.ShouldBe("hello");
    }

    [Theory]
    [InlineData("status 0\nstdout 5 2147483647\nabc")]
    [InlineData("status 0\nstdout 5 -1\nabc")]
    [InlineData("status 0\nstdout 5 9\nabc")]
    public void Parse_CountBeyondTheReply_IsNoReply(string reply)
    {
        RemoteReply.Parse(Encoding.UTF8.GetBytes(reply), "outputs/CREATE", 1000, ScriptTermination.Exited).ShouldBeNull();
    }
}
