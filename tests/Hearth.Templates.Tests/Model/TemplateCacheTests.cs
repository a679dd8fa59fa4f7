using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;

namespace Hearth.Templates.Tests.Model;

/// <summary>
/// A <see cref="TemplateCache"/> keeps the templates it read lately: reading the same text again gives the same template
/// and reports the same problems, every time, into each caller's own bag. Each host owns its own: nothing read through
/// one is seen through another.
/// </summary>
public sealed class TemplateCacheTests
{
    private const string Valid = "heat_template_version: 2021-04-16\nresources:\n  a: {type: OS::Heat::None}\n";

    private const string WithError = "heat_template_version: 2021-04-16\nresources:\n  a: {type: OS::Heat::None, propertys: {}}\n";

    [Fact]
    public void Read_SameTextTwice_GivesTheSameTemplate()
    {
        var cache = new TemplateCache();
        var first = cache.Read("/t/t.yaml", Valid, new DiagnosticBag());
        var second = cache.Read("/t/t.yaml", Valid, new DiagnosticBag());

        first.ShouldNotBeNull();
        second.ShouldBeSameAs(first);
    }

    [Fact]
    public void Read_SameTextTwice_ReportsItsProblemsToEachCaller()
    {
        var cache = new TemplateCache();
        var first = new DiagnosticBag();
        var second = new DiagnosticBag();

        cache.Read("/t/t.yaml", WithError, first);
        cache.Read("/t/t.yaml", WithError, second);

        first.HasErrors.ShouldBeTrue();
        second.ToImmutable().Select(d => d.ToString()).ShouldBe(first.ToImmutable().Select(d => d.ToString()));
    }

    [Fact]
    public void Read_OtherTextOrOtherFile_IsReadAgain()
    {
        var cache = new TemplateCache();
        var first = cache.Read("/t/t.yaml", Valid, new DiagnosticBag());
        var otherText = cache.Read("/t/t.yaml", Valid.Replace("a:", "b:", StringComparison.Ordinal), new DiagnosticBag());
        var otherFile = cache.Read("/t/t.2.yaml", Valid, new DiagnosticBag());

        otherText.ShouldNotBeSameAs(first);
        otherText!.Resources.Single().Name.ShouldBe("b");
        otherFile.ShouldNotBeSameAs(first);
        otherFile!.Resources.Single().NameSpan.File.ShouldBe("/t/t.2.yaml");
    }

    [Fact]
    public void Read_ThroughAnotherCache_IsReadAgain()
    {
        var first = new TemplateCache().Read("/t/t.yaml", Valid, new DiagnosticBag());
        var second = new TemplateCache().Read("/t/t.yaml", Valid, new DiagnosticBag());

        first.ShouldNotBeNull();
        second.ShouldNotBeNull();
        second.ShouldNotBeSameAs(first);
    }

    [Fact]
    public void Read_MoreTemplatesThanItKeeps_ReadsTheOldestAgain()
    {
        var cache = new TemplateCache();
        var oldest = cache.Read("/t/0.yaml", Valid, new DiagnosticBag());
        for (var i = 1; i <= 4; i++)
        {
            cache.Read($"/t/{i}.yaml", Valid, new DiagnosticBag());
        }

        cache.Read("/t/0.yaml", Valid, new DiagnosticBag()).ShouldNotBeSameAs(oldest);
    }

    [Fact]
    public void NestedTemplate_UsedByManyResources_IsParsedOncePerHost()
    {
        const string parent = "heat_template_version: 2021-04-16\nresources:\n  one: {type: child.yaml}\n  two: {type: child.yaml}\n";
        var reader = new InMemoryFileReader([new("/s/parent.yaml", parent), new("/s/child.yaml", Valid)]);
        var sources = new StackSources("/s/parent.yaml", [], [], []);

        var host = new TemplateCache();
        var (one, two) = NestedOfBoth(sources, reader, host);
        var (again, _) = NestedOfBoth(sources, reader, host);
        var (otherHost, _) = NestedOfBoth(sources, reader, new TemplateCache());

        one.Resources.Single().Name.ShouldBe("a");
        two.ShouldBeSameAs(one);
        again.ShouldBeSameAs(one);
        otherHost.ShouldNotBeSameAs(one);
    }

    private static (Template One, Template Two) NestedOfBoth(StackSources sources, IFileReader reader, TemplateCache templates)
    {
        var diagnostics = new DiagnosticBag();
        var definition = StackDefinitionLoader.Load(sources, new StackIdentity("s", "id", "p"), reader, diagnostics, templates: templates).ShouldNotBeNull();
        var nested = definition.Template.Resources
            .Select(r => NestedStacks.ReadTemplate(definition, r, definition.ResolveType(r), diagnostics).ShouldNotBeNull())
            .ToList();
        diagnostics.HasErrors.ShouldBeFalse();
        return (nested[0], nested[1]);
    }
}
