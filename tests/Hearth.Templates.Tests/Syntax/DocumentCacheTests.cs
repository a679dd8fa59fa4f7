using System.Globalization;
using System.Text;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Model;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Tests.Syntax;

public sealed class DocumentCacheTests
{
    /// <summary>Every kind of node and scalar the loader produces: typed YAML 1.1 scalars, quoted text, anchors, flow and block.</summary>
    private const string Varied = """
        heat_template_version: 2021-04-16
        description: |
          two lines
          of text
        parameters:
          n: {type: number, default: 0x1F}
          f: {type: number, default: 1.5e+3}
          b: {type: boolean, default: yes}
          s: {type: string, default: '007'}
          empty: {type: string, default: ~}
          base60: {type: number, default: 1:30}
        resources:
          a: &shared
            type: OS::Heat::Value
            properties: {value: [1, -2, .inf, "quoted", 'single', null, true, ""]}
          b:
            <<: *shared
            depends_on: [a]
        outputs:
          o: {value: {get_attr: [a, value]}}
        """;

    [Theory]
    [InlineData(Varied)]
    [InlineData("{\"heat_template_version\": \"2021-04-16\", \"resources\": {\"r\": {\"type\": \"OS::Heat::None\", \"properties\": {\"n\": 1e3, \"m\": 10}}}}")]
    public void Read_OfWrite_GivesTheSameTreeWithTheReadersFile(string text)
    {
        var (root, diagnostics) = YamlLoader.Load("/first/t.yaml", text);
        diagnostics.ShouldBeEmpty();

        var snapshot = SyntaxSnapshot.Write(root.ShouldNotBeNull(), text.Length);
        var read = SyntaxSnapshot.Read(snapshot, "/second/t.yaml", text.Length);

        Dump(read).ShouldBe(Dump(root).Replace("/first/", "/second/", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DamagedOrOfAnotherText_IsInvalidData()
    {
        var (root, _) = YamlLoader.Load("t.yaml", Varied);
        var snapshot = SyntaxSnapshot.Write(root.ShouldNotBeNull(), Varied.Length);

        Should.Throw<InvalidDataException>(() => SyntaxSnapshot.Read(snapshot, "t.yaml", Varied.Length + 1));
        Should.Throw<InvalidDataException>(() => SyntaxSnapshot.Read(snapshot[..(snapshot.Length / 2)], "t.yaml", Varied.Length));
        Should.Throw<InvalidDataException>(() => SyntaxSnapshot.Read([.. snapshot, 0], "t.yaml", Varied.Length));
    }

    [Fact]
    public void TemplateReader_WithAFolderCache_ReadsTheSecondTimeFromTheSnapshot()
    {
        using var temp = new TempDirectory("hearth-documents-");
        var folder = temp.Path;
        var cache = new CountingCache(new DocumentCacheFolder(folder));
        var text = Varied;
        var first = TemplateReader.Read("/one/t.yaml", text, new DiagnosticBag(), cache).ShouldNotBeNull();
        cache.Found.ShouldBe(0);
        Directory.GetFiles(folder, "*.syntax").ShouldHaveSingleItem();

        var second = TemplateReader.Read("/two/t.yaml", text, new DiagnosticBag(), cache).ShouldNotBeNull();

        cache.Found.ShouldBe(1);
        second.ShouldNotBeSameAs(first);
        second.Resources.Select(r => (r.Name, r.Type, r.NameSpan.Line)).ShouldBe(first.Resources.Select(r => (r.Name, r.Type, r.NameSpan.Line)));
        second.Resources[0].NameSpan.File.ShouldBe("/two/t.yaml");
    }

    [Fact]
    public void DocumentCacheFolder_DamagedSnapshot_IsNotFound()
    {
        using var temp = new TempDirectory("hearth-documents-");
        var folder = temp.Path;
        var cache = new DocumentCacheFolder(folder);
        var (root, _) = YamlLoader.Load("t.yaml", Varied);
        cache.Add(Varied, root.ShouldNotBeNull());
        var file = Directory.GetFiles(folder, "*.syntax").ShouldHaveSingleItem();
        File.WriteAllBytes(file, [1, 2, 3]);

        cache.Find("t.yaml", Varied).ShouldBeNull();
    }

    [Fact]
    public void TemplateReader_SnapshotThisBuildCannotRead_ParsesAndReplacesIt()
    {
        using var temp = new TempDirectory("hearth-documents-");
        var (root, _) = YamlLoader.Load("t.yaml", Varied);
        new DocumentCacheFolder(temp.Path).Add(Varied, root.ShouldNotBeNull());
        var file = Directory.GetFiles(temp.Path, "*.syntax").ShouldHaveSingleItem();
        var snapshot = File.ReadAllBytes(file);
        snapshot[8] ^= 0xFF; // Another build's identity, as after an upgrade of Hearth.
        File.WriteAllBytes(file, snapshot);
        var cache = new CountingCache(new DocumentCacheFolder(temp.Path));

        TemplateReader.Read("t.yaml", Varied, new DiagnosticBag(), cache).ShouldNotBeNull();
        var again = new CountingCache(new DocumentCacheFolder(temp.Path));
        TemplateReader.Read("t.yaml", Varied, new DiagnosticBag(), again).ShouldNotBeNull();

        cache.Found.ShouldBe(0);
        again.Found.ShouldBe(1, "the snapshot the first read could not use was replaced by its own");
    }

    [Fact]
    public void DocumentCacheFolder_NewFolder_IsReadableByTheUserOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempDirectory("hearth-documents-");
        var parent = temp.Path;
        var folder = Path.Combine(parent, "parsed");
        var (root, _) = YamlLoader.Load("t.yaml", Varied);
        new DocumentCacheFolder(folder).Add(Varied, root.ShouldNotBeNull());

        File.GetUnixFileMode(folder).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Directory.GetFiles(folder, "*.syntax").ShouldHaveSingleItem()).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Every node with its kind, span, key and typed value, one per line.</summary>
    private static string Dump(SyntaxNode node)
    {
        var text = new StringBuilder();
        Write(node, 0);
        return text.ToString();

        void Write(SyntaxNode current, int depth)
        {
            text.Append(' ', depth * 2).Append(CultureInfo.InvariantCulture, $"{current.GetType().Name} {current.Span}");
            switch (current)
            {
                case ScalarNode scalar:
                    text.Append(CultureInfo.InvariantCulture, $" {scalar.Value?.GetType().Name ?? "null"}={Convert.ToString(scalar.Value, CultureInfo.InvariantCulture)} text={scalar.Text}\n");
                    break;
                case SequenceNode sequence:
                    text.Append('\n');
                    foreach (var item in sequence.Items)
                    {
                        Write(item, depth + 1);
                    }

                    break;
                case MappingNode mapping:
                    text.Append('\n');
                    foreach (var entry in mapping.Entries)
                    {
                        text.Append(' ', (depth + 1) * 2).Append(CultureInfo.InvariantCulture, $"key {entry.Key} {entry.KeySpan}\n");
                        Write(entry.Value, depth + 2);
                    }

                    break;
            }
        }
    }

    private sealed class CountingCache(IDocumentCache inner) : IDocumentCache
    {
        public int Found { get; private set; }

        public SyntaxNode? Find(string file, string text)
        {
            var found = inner.Find(file, text);
            Found += found is null ? 0 : 1;
            return found;
        }

        public void Add(string text, SyntaxNode root) => inner.Add(text, root);
    }
}
