using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;

namespace Hearth.Templates.Tests.Model;

/// <summary>
/// <see cref="TemplateReader"/> keeps the templates it read last: reading the same text again gives the same template
/// and reports the same problems, every time, into each caller's own bag.
/// </summary>
public sealed class TemplateReaderReuseTests
{
    private const string Valid = "heat_template_version: 2021-04-16\nresources:\n  a: {type: OS::Heat::None}\n";

    private const string WithError = "heat_template_version: 2021-04-16\nresources:\n  a: {type: OS::Heat::None, propertys: {}}\n";

    [Fact]
    public void Read_SameTextTwice_GivesTheSameTemplate()
    {
        var path = $"/t/{Guid.NewGuid():N}.yaml";
        var first = TemplateReader.Read(path, Valid, new DiagnosticBag());
        var second = TemplateReader.Read(path, Valid, new DiagnosticBag());

        first.ShouldNotBeNull();
        second.ShouldBeSameAs(first);
    }

    [Fact]
    public void Read_SameTextTwice_ReportsItsProblemsToEachCaller()
    {
        var path = $"/t/{Guid.NewGuid():N}.yaml";
        var first = new DiagnosticBag();
        var second = new DiagnosticBag();

        TemplateReader.Read(path, WithError, first);
        TemplateReader.Read(path, WithError, second);

        first.HasErrors.ShouldBeTrue();
        second.ToImmutable().Select(d => d.ToString()).ShouldBe(first.ToImmutable().Select(d => d.ToString()));
    }

    [Fact]
    public void Read_OtherTextOrOtherFile_IsReadAgain()
    {
        var path = $"/t/{Guid.NewGuid():N}.yaml";
        var first = TemplateReader.Read(path, Valid, new DiagnosticBag());
        var otherText = TemplateReader.Read(path, Valid.Replace("a:", "b:", StringComparison.Ordinal), new DiagnosticBag());
        var otherFile = TemplateReader.Read(path + ".2.yaml", Valid, new DiagnosticBag());

        otherText.ShouldNotBeSameAs(first);
        otherText!.Resources.Single().Name.ShouldBe("b");
        otherFile.ShouldNotBeSameAs(first);
        otherFile!.Resources.Single().NameSpan.File.ShouldBe(path + ".2.yaml");
    }
}
