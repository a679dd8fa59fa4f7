namespace Hearth.Execution.Tests.Local;

/// <summary>
/// Output files are read only when they are regular files within the cap of stdout and stderr: anything else fails the
/// deployment with a reason, and never hangs it (a FIFO) nor fills memory (a link to /dev/zero, a huge sparse file).
/// </summary>
public sealed class OutputFileTests : LocalTransportFixture
{
    private static readonly DeploymentOutputDeclaration[] Result = [new("result")];

    private string OutputFile => Path.Combine(Transport.WorkingFolder("d-1"), "outputs", "CREATE.result");

    [Fact]
    public async Task DeployAsync_OutputFileIsAFifo_FailedWithAReasonInsteadOfHanging()
    {
        var result = await DeployAsync(Request("#!/bin/sh\nmkfifo \"${heat_outputs_path}.result\"", outputs: Result));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.ExitCode.ShouldBe(0);
        result.StatusReason.ShouldBe($"The output 'result' was not read: {OutputFile} is a FIFO, and outputs are read from regular files only");
        result.Outputs.ContainsKey("result").ShouldBeFalse();
    }

    [Fact]
    public async Task DeployAsync_OutputFileLinksToDevZero_FailedWithoutReadingIt()
    {
        var result = await DeployAsync(Request("#!/bin/sh\nln -s /dev/zero \"${heat_outputs_path}.result\"", outputs: Result));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe($"The output 'result' was not read: {OutputFile} is a symbolic link, and outputs are read from regular files only");
    }

    [Fact]
    public async Task DeployAsync_HugeSparseOutputFile_FailedWithItsSize()
    {
        var result = await DeployAsync(Request("#!/bin/sh\ntruncate -s 10G \"${heat_outputs_path}.result\"", outputs: Result));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe($"The output 'result' was not read: {OutputFile} is 10 GiB, more than the 1 MiB allowed");
    }

    [Fact]
    public async Task DeployAsync_OutputFileAtTheCap_IsReadWhole()
    {
        var result = await DeployAsync(Request("#!/bin/sh\nhead -c 1048576 /dev/zero | tr '\\0' x > \"${heat_outputs_path}.result\"", outputs: Result));

        result.Status.ShouldBe(DeploymentStatus.Complete, result.StatusReason);
        result.Outputs["result"].ShouldBe(new string('x', 1024 * 1024));
    }

    [Fact]
    public async Task DeployAsync_OutputFileOverACapOfTheTransport_FailedWithBothSizes()
    {
        Transport = new Hearth.Execution.Local.LocalTransport(new Hearth.Execution.Local.LocalTransportOptions(StateRoot) { MaxCapturedBytes = 1000 });

        var result = await DeployAsync(Request("#!/bin/sh\nhead -c 1001 /dev/zero > \"${heat_outputs_path}.result\"", outputs: Result));

        result.Status.ShouldBe(DeploymentStatus.Failed);
        result.StatusReason.ShouldBe($"The output 'result' was not read: {OutputFile} is 1,001 bytes, more than the 1,000 bytes allowed");
    }
}
