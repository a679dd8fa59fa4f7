using System.Collections.Immutable;
using System.Diagnostics;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;
using Hearth.Templates.Schema;
using Hearth.Templates.Stacks;
using Hearth.Templates.Validation;

namespace Hearth.Templates.Tests.Files;

/// <summary>
/// What templates may read from disk: regular files inside the top template's folder once links are resolved, up to
/// <see cref="FileLimits"/>. Every refusal is a diagnostic at the call (or at the file) with a stable code, and nothing
/// blocks or fills memory.
/// </summary>
public sealed class TemplateFileRulesTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _root = Directory.CreateTempSubdirectory("hearth-files-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Validate_GetFileThroughALinkOutOfTheFolder_IsRefusedAtTheCall()
    {
        var outside = Write("outside/secret.txt", "TOP SECRET");
        Link("tpl/etc", Path.GetDirectoryName(outside)!);
        var template = Template("tpl/t.yaml", "{get_file: etc/secret.txt}");

        var diagnostic = (await ValidateAsync(template)).ShouldHaveSingleItem();

        diagnostic.Code.ShouldBe(DiagnosticCodes.FileOutsideTemplateTree);
        (diagnostic.Span.File, diagnostic.Span.Line, diagnostic.Span.Column).ShouldBe((template, 3, 15));
        diagnostic.Message.ShouldBe(
            $"'etc/secret.txt' is {_root}/tpl/etc/secret.txt, a link to {outside}, outside the template's folder tree ({_root}/tpl); " +
            $"to allow it, pass --allow-file-path {_root}/outside");
    }

    [Fact]
    public async Task Validate_GetFileThroughALinkWithAllowFilePath_ReadsIt()
    {
        var outside = Write("outside/secret.txt", "shared");
        Link("tpl/etc", Path.GetDirectoryName(outside)!);
        var template = Template("tpl/t.yaml", "{get_file: etc/secret.txt}");

        (await ValidateAsync(template, allowed: [Path.Combine(_root, "outside")])).ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_GetFileThroughALinkInsideTheFolder_ReadsIt()
    {
        Write("tpl/real/a.sh", "echo hi");
        Link("tpl/lib", Path.Combine(_root, "tpl", "real"));

        (await ValidateAsync(Template("tpl/t.yaml", "{get_file: lib/a.sh}"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_NestedTemplateReadsAScriptBelowTheTopFolder_ReadsIt()
    {
        // As TripleO's templates do: deployment/x/y.yaml reads ../../scripts/run.sh, below the top template's folder.
        Write("scripts/run.sh", "echo run");
        Write("deployment/x/y.yaml", """
            heat_template_version: 2018-08-31
            outputs:
              script: {value: {get_file: ../../scripts/run.sh}}
            """);
        var top = Write("top.yaml", """
            heat_template_version: 2018-08-31
            resources:
              nested: {type: deployment/x/y.yaml}
            """);

        (await ValidateAsync(top)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_GetFileOfAFifo_IsRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_root, "tpl", "pipe");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        await MakeFifoAsync(fifo);

        var diagnostic = (await ValidateAsync(Template("tpl/t.yaml", "{get_file: pipe}"))).ShouldHaveSingleItem();

        diagnostic.Code.ShouldBe(DiagnosticCodes.NotARegularFile);
        (diagnostic.Span.Line, diagnostic.Span.Column).ShouldBe((3, 15));
        diagnostic.Message.ShouldBe($"'pipe' ({fifo}) is a FIFO; templates read regular files only");
    }

    [Fact]
    public async Task Validate_GetFileOfALinkToDevZero_IsRefusedBeforeReading()
    {
        Link("tpl/zero", "/dev/zero");

        var diagnostic = (await ValidateAsync(Template("tpl/t.yaml", "{get_file: zero}"), allowed: ["/dev"])).ShouldHaveSingleItem();

        diagnostic.Code.ShouldBe(DiagnosticCodes.NotARegularFile);
        diagnostic.Message.ShouldEndWith("is a character device; templates read regular files only");
    }

    [Fact]
    public async Task Validate_GetFileOverTheLimit_IsRefusedWithTheSizes()
    {
        Sparse("tpl/big.bin", FileLimits.GetFileBytes + 1);
        Sparse("tpl/huge.bin", 64L * 1024 * 1024 * 1024);
        var template = Write("tpl/t.yaml", """
            heat_template_version: 2018-08-31
            outputs:
              big: {value: {get_file: big.bin}}
              huge: {value: {get_file: huge.bin}}
            """);

        var diagnostics = await ValidateAsync(template);

        diagnostics.Select(d => (d.Code, d.Span.Line, d.Message)).ShouldBe(
        [
            (DiagnosticCodes.FileTooLarge, 3, $"'big.bin' ({_root}/tpl/big.bin) is 1,048,577 bytes, more than the 1 MiB allowed"),
            (DiagnosticCodes.FileTooLarge, 4, $"'huge.bin' ({_root}/tpl/huge.bin) is 64 GiB, more than the 1 MiB allowed"),
        ]);
    }

    [Fact]
    public async Task Validate_TemplateOverTheLimit_IsRefusedAtTheFile()
    {
        var template = Sparse("t.yaml", FileLimits.TemplateBytes + 1);

        var diagnostic = (await ValidateAsync(template)).ShouldHaveSingleItem();

        diagnostic.Code.ShouldBe(DiagnosticCodes.FileTooLarge);
        diagnostic.Span.ShouldBe(SourceSpan.WholeFile(template));
        diagnostic.Message.ShouldBe("the template is 33,554,433 bytes, more than the 32 MiB allowed");
    }

    [Fact]
    public async Task Validate_TemplateThatIsAFifo_IsRefusedAtTheFile()
    {
        var fifo = Path.Combine(_root, "t.yaml");
        await MakeFifoAsync(fifo);

        var diagnostic = (await ValidateAsync(fifo)).ShouldHaveSingleItem();

        diagnostic.Code.ShouldBe(DiagnosticCodes.NotARegularFile);
        diagnostic.Message.ShouldBe("the template is a FIFO; templates read regular files only");
    }

    [Fact]
    public void DiskReader_RegularFile_ReadsItAndReportsMissingOnes()
    {
        var path = Write("a.txt", "x");

        DiskFileReader.Instance.Read(path, 10, []).ShouldBe(FileRead.Success("x"));
        DiskFileReader.Instance.Read(path + ".missing", 10, []).ShouldBe(new FileRead(null, FileProblem.NotFound, "no such file"));
    }

    [Fact]
    public void RegularFile_LinkNotFollowed_IsRefused()
    {
        var target = Write("a.txt", "x");
        var link = Link("link", target);

        RegularFile.Read(link, 10, followLinks: false).ShouldBe(new RegularFileRead(null, FileProblem.NotRegular, "a symbolic link"));
        RegularFile.Read(link, 10).Bytes.ShouldBe("x"u8.ToArray());
    }

    private async Task<ImmutableArray<Diagnostic>> ValidateAsync(string template, ImmutableArray<string> allowed = default)
    {
        var sources = new StackSources(template, [], [], allowed.IsDefault ? [] : allowed);
        // A read that blocked would hang the test run: bound it.
        var report = await Task.Run(() => TemplateValidator.Validate(sources, DiskFileReader.Instance, EmptyCatalog.Instance)).WaitAsync(Timeout);
        return report.Diagnostics;
    }

    private string Template(string name, string output) => Write(name, $$"""
        heat_template_version: 2018-08-31
        outputs:
          o: {value: {{output}}}
        """);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private string Link(string name, string target)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>A file of <paramref name="length"/> bytes that takes no room on disk.</summary>
    private string Sparse(string name, long length)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        stream.SetLength(length);
        return path;
    }

    private static async Task MakeFifoAsync(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        await process.WaitForExitAsync().WaitAsync(Timeout);
        process.ExitCode.ShouldBe(0);
    }

    private sealed class EmptyCatalog : IResourceTypeCatalog
    {
        public static EmptyCatalog Instance { get; } = new();

        public ResourceTypeSchema? Find(string type) => null;

        public IEnumerable<string> TypeNames => [];
    }
}
