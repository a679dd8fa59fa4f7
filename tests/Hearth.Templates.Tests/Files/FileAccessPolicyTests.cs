using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;

namespace Hearth.Templates.Tests.Files;

public sealed class FileAccessPolicyTests
{
    private static readonly SourceSpan Span = new("/stack/top.yaml", 3, 5, 3, 20);

    [Fact]
    public void Resolve_PathInsideTree_IsAllowedRelativeToReferencingFile()
    {
        var policy = FileAccessPolicy.ForTemplate("/stack/top.yaml");
        var bag = new DiagnosticBag();
        policy.Resolve("/stack/nested/n.yaml", "../scripts/run.sh", Span, bag).ShouldBe("/stack/scripts/run.sh");
        policy.Resolve("/stack/nested/n.yaml", "file:///stack/x.sh", Span, bag).ShouldBe("/stack/x.sh");
        bag.HasErrors.ShouldBeFalse();
    }

    [Fact]
    public void Resolve_PathEscapingTree_IsRefusedWithHowToAllow()
    {
        var policy = FileAccessPolicy.ForTemplate("/stack/top.yaml");
        var bag = new DiagnosticBag();
        policy.Resolve("/stack/top.yaml", "../home/u/.ssh/id_rsa", Span, bag).ShouldBeNull();
        policy.Resolve("/stack/top.yaml", "/stackother/x", Span, bag).ShouldBeNull();
        var d = bag.ToImmutable()[0];
        d.Code.ShouldBe(DiagnosticCodes.FileOutsideTemplateTree);
        d.Span.ShouldBe(Span);
        d.Message.ShouldContain("--allow-file-path /home/u/.ssh");
    }

    [Fact]
    public void Resolve_AllowedRoot_IsAllowed()
    {
        var policy = FileAccessPolicy.ForTemplate("/stack/top.yaml", ["/shared/scripts/"]).WithRoot("/opt/t");
        var bag = new DiagnosticBag();
        policy.Resolve("/stack/top.yaml", "/shared/scripts/a.sh", Span, bag).ShouldBe("/shared/scripts/a.sh");
        policy.IsAllowed("/opt/t/n.yaml").ShouldBeTrue();
        bag.HasErrors.ShouldBeFalse();
    }

    [Fact]
    public void Read_ThroughInMemoryReader_ReportsMissingFiles()
    {
        var source = new TemplateFileSource(new InMemoryFileReader([new("/stack/a.sh", "echo hi")]), FileAccessPolicy.ForTemplate("/stack/top.yaml"));
        var bag = new DiagnosticBag();
        source.Read("/stack/top.yaml", "a.sh", Span, bag, FileLimits.GetFileBytes).ShouldBe("echo hi");
        source.Read("/stack/top.yaml", "b.sh", Span, bag, FileLimits.GetFileBytes).ShouldBeNull();
        bag.ToImmutable().ShouldHaveSingleItem().Code.ShouldBe(DiagnosticCodes.FileNotFound);
    }
}
