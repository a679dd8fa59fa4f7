using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Files;

/// <summary>The only way the template layer reads files (templates, nested templates, <c>get_file</c>).</summary>
public interface IFileReader
{
    /// <summary>
    /// Reads a whole regular file of at most <paramref name="maxBytes"/> bytes. <paramref name="absolutePath"/> has
    /// already passed the <see cref="FileAccessPolicy"/> as written; when <paramref name="roots"/> is not empty, the file
    /// with its links resolved must lie inside one of them too.
    /// </summary>
    FileRead Read(string absolutePath, long maxBytes, ImmutableArray<string> roots);
}

/// <summary>What reading a file gave: its text, or the problem and a phrase that says it.</summary>
/// <param name="Detail">"no such file", "a FIFO", "2 MiB, more than the 1 MiB allowed"; for
/// <see cref="FileProblem.OutsideRoots"/> the file's real path.</param>
public sealed record FileRead(string? Text, FileProblem Problem, string Detail)
{
    public static FileRead Success(string text) => new(text, FileProblem.None, "");

    /// <summary>Reports why <paramref name="subject"/> ("the template", "'a.sh' (/t/a.sh)") was not read; returns null.</summary>
    public string? Report(SourceSpan span, string subject, DiagnosticBag diagnostics)
    {
        switch (Problem)
        {
            case FileProblem.NotRegular:
                diagnostics.Error(span, DiagnosticCodes.NotARegularFile, $"{subject} is {Detail}; templates read regular files only");
                break;
            case FileProblem.TooLarge:
                diagnostics.Error(span, DiagnosticCodes.FileTooLarge, $"{subject} is {Detail}");
                break;
            default:
                diagnostics.Error(span, DiagnosticCodes.FileNotFound, $"cannot read {subject}: {Detail}");
                break;
        }

        return null;
    }
}

/// <summary>How large a file templates may read. Hearth reads the files themselves, as Heat's client does before it sends them.</summary>
/// <remarks>
/// Heat refuses templates over <c>max_template_size</c> (512 KiB) and requests over <c>max_json_body_size</c> (1 MiB,
/// template and files together). Hearth keeps Heat's 1 MiB for one <c>get_file</c>, whose content is copied into the
/// state and into every deployment that uses it, but allows templates far larger: a stack of 100,000 resources is a
/// template of about 11 MB.
/// </remarks>
public static class FileLimits
{
    /// <summary>A template (top-level or nested) or an environment file.</summary>
    public const long TemplateBytes = 32L * 1024 * 1024;

    /// <summary>A file read by <c>get_file</c>.</summary>
    public const long GetFileBytes = 1024 * 1024;
}

/// <summary>Reads files from disk: regular files only, never blocking on a FIFO nor draining a device (<see cref="RegularFile"/>).</summary>
public sealed class DiskFileReader : IFileReader
{
    public static DiskFileReader Instance { get; } = new();

    public FileRead Read(string absolutePath, long maxBytes, ImmutableArray<string> roots)
    {
        Func<string, bool>? inside = null;
        if (!roots.IsDefaultOrEmpty)
        {
            var realRoots = roots.Select(RegularFile.RealFolderPath).ToImmutableArray();
            inside = real => FileAccessPolicy.IsInside(real, realRoots);
        }

        var read = RegularFile.Read(absolutePath, maxBytes, followLinks: true, inside);
        if (read.Bytes is null)
        {
            return new FileRead(null, read.Problem, read.Detail);
        }

        return FileRead.Success(RegularFile.Text(read.Bytes));
    }
}

/// <summary>
/// Files held in memory (tests, and the files stored with a stack). Their size is not checked: they are in memory already,
/// and a stack's stored files were read from disk through the limits, or before there were any.
/// </summary>
public sealed class InMemoryFileReader(IEnumerable<KeyValuePair<string, string>> files) : IFileReader
{
    private readonly ImmutableDictionary<string, string> _files =
        files.ToImmutableDictionary(kv => Path.GetFullPath(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    public FileRead Read(string absolutePath, long maxBytes, ImmutableArray<string> roots) =>
        _files.TryGetValue(Path.GetFullPath(absolutePath), out var text)
            ? FileRead.Success(text)
            : new FileRead(null, FileProblem.NotFound, "no such file");
}
