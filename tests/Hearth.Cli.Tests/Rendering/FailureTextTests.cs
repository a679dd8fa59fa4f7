using Hearth.Cli.Rendering;
using Hearth.Engine.Failures;

namespace Hearth.Cli.Tests.Rendering;

/// <summary>The failures an operation prints when it ends: each under its own line, indented, whatever its reason holds.</summary>
public sealed class FailureTextTests
{
    [Fact]
    public async Task WriteAsync_ReasonOfSeveralLines_ContinuationLinesIndentedUnderTheFailure()
    {
        // docker-cmd's reason quotes the end of the one-shot's stderr on a line of its own.
        var failure = new Failure(FailureKind.ScriptFailed, "Deployment to server failed: container 'migrate' exited with 1\napi v3 needs store v3")
        {
            Resource = "api",
        };
        using var writer = new StringWriter { NewLine = "\n" };

        await FailureText.WriteAsync(writer, [failure]);

        writer.ToString().ShouldBe(
            "  failed: api: Deployment to server failed: container 'migrate' exited with 1\n"
            + "    api v3 needs store v3\n");
    }
}
