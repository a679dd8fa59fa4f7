using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Engine.Resources;
using Hearth.State;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;

namespace Hearth.Engine.Tests.Operations;

public sealed class DefinitionsStorageTests
{
    private static readonly DefinitionSource Source = new(
        new StackSources("/s/t.yaml", ["/s/env.yaml"], ["p=1", "q=two"], ["/shared"]),
        new Dictionary<string, string>
        {
            ["/s/t.yaml"] = "heat_template_version: 2021-04-16\nresources: {}\n# ünïcode ✓\n",
            ["/s/env.yaml"] = "parameters: {p: 0}\n",
            ["/shared/data.txt"] = new string('x', 100_000),
        }.ToImmutableSortedDictionary(StringComparer.Ordinal));

    [Fact]
    public void Restore_OfStore_GivesTheSameSourceWithTheFilesCompressed()
    {
        var stored = Definitions.Store(Source, "A test stack");

        var restored = Definitions.Restore(stored);

        restored.Sources.TemplatePath.ShouldBe(Source.Sources.TemplatePath);
        restored.Sources.EnvironmentPaths.ShouldBe(Source.Sources.EnvironmentPaths);
        restored.Sources.Parameters.ShouldBe(Source.Sources.Parameters);
        restored.Sources.AllowedPaths.ShouldBe(Source.Sources.AllowedPaths);
        restored.Files.ShouldBe(Source.Files);
        stored.TemplateJson.ShouldContain("\"files_brotli\"");
        stored.TemplateJson.Length.ShouldBeLessThan(10_000);
        stored.Description.ShouldBe("A test stack");
    }

    [Fact]
    public void Restore_DefinitionStoredWithPlainFiles_ReadsThem()
    {
        const string legacy = """{"template": "/s/t.yaml", "allowed_paths": [], "files": {"/s/t.yaml": "heat_template_version: 2021-04-16\n"}}""";

        var restored = Definitions.Restore(new StoredDefinition(legacy, """{"environments": []}""", """{"parameters": ["a=b"]}""", Description: null));

        restored.Sources.TemplatePath.ShouldBe("/s/t.yaml");
        restored.Sources.Parameters.ShouldBe(["a=b"]);
        restored.Files["/s/t.yaml"].ShouldBe("heat_template_version: 2021-04-16\n");
    }

    [Fact]
    public void Store_SameFilesAsTheStoredDefinition_KeepsItsTemplateAndEnvironment()
    {
        var stored = Definitions.Store(Source, "") with { Description = null };
        var updated = Source.WithParameters(["q=three"]);

        Definitions.SameFiles(updated, Source).ShouldBeTrue();
        var again = Definitions.StoreWithSameFiles(updated, stored, "A test stack");

        again.TemplateJson.ShouldBeSameAs(stored.TemplateJson);
        again.EnvironmentJson.ShouldBeSameAs(stored.EnvironmentJson);
        Definitions.Restore(again).Sources.Parameters.ShouldBe(["p=1", "q=two", "q=three"]);
        again.Description.ShouldBe("A test stack", "one stored before descriptions were kept gains it");
    }

    [Fact]
    public void Load_AfterCaptureThroughTheSameCache_ReusesTheTemplateCaptured()
    {
        const string text = "heat_template_version: 2021-04-16\ndescription: reused\nresources:\n  a: {type: OS::Heat::None}\n";
        var templates = new TemplateCache();
        var captured = Definitions.Capture(new StackSources("/s/t.yaml", [], [], []), new InMemoryFileReader([new("/s/t.yaml", text)]), templates);
        var identity = new StackIdentity("s", "id", Definitions.ProjectId);
        var handlers = BuiltinHandlers.Create(TimeProvider.System);

        var loaded = Definitions.Load(captured, identity, handlers, templates: templates);
        var elsewhere = Definitions.Load(captured, identity, handlers, templates: new TemplateCache());

        loaded.Template.ShouldBeSameAs(templates.Read("/s/t.yaml", text, new()));
        elsewhere.Template.ShouldNotBeSameAs(loaded.Template);
        elsewhere.Template.Description.ShouldBe("reused");
    }
}
