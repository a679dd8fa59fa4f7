using System.Collections.Immutable;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Tests.Scripts;

public class ScriptResultsTests
{
    private static readonly ImmutableArray<DeploymentOutputDeclaration> Declared =
        [new("result"), new("err", ErrorOutput: true)];

    private static ScriptRun Run(int? code, string stderr = "", params (string Name, string Value)[] outputs) =>
        new(ScriptTermination.Exited, code, "out", stderr, outputs.ToImmutableDictionary(o => o.Name, o => (object?)o.Value));

    [Fact]
    public void Interpret_ExitZero_CompleteWithOutputs()
    {
        var result = ScriptResults.Interpret(Run(0, "", ("result", "r")), Declared, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

        result.Status.ShouldBe(DeploymentStatus.Complete);
        result.StatusReason.ShouldBe("Outputs received");
        result.Outputs["result"].ShouldBe("r");
        result.ExitCode.ShouldBe(0);
    }

    [Fact]
    public void Interpret_ErrorOutputAndNonZero_BothReasons()
    {
        var result = ScriptResults.Interpret(Run(2, "boom\n", ("err", "bad thing")), Declared, TimeSpan.FromSeconds(5), TimeSpan.Zero);

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe("An error output was set: err : bad thing\nDeployment exited with non-zero status code: 2");
        result.Stderr.ShouldBe("boom\n");
    }

    [Fact]
    public void Interpret_TimedOut_ReasonNamesTheTimeout()
    {
        var run = new ScriptRun(ScriptTermination.TimedOut, null, "", "", ImmutableDictionary<string, object?>.Empty);

        var result = ScriptResults.Interpret(run, Declared, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

        result.Status.ShouldBe(DeploymentStatus.TimedOut);
        result.StatusReason.ShouldBe("Deployment timed out after 30s");
    }
}
