using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Hearth.Templates.Files;

/// <summary>The only way the template layer reads files (templates, nested templates, <c>get_file</c>).</summary>
public interface IFileReader
{
    /// <summary>Reads a whole file. <paramref name="absolutePath"/> has already passed the <see cref="FileAccessPolicy"/>.</summary>
    bool TryReadAllText(string absolutePath, [NotNullWhen(true)] out string? text, out string error);
}

/// <summary>Reads files from disk.</summary>
public sealed class DiskFileReader : IFileReader
{
    public static DiskFileReader Instance { get; } = new();

    public bool TryReadAllText(string absolutePath, [NotNullWhen(true)] out string? text, out string error)
    {
        try
        {
            text = File.ReadAllText(absolutePath);
            error = "";
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            text = null;
            error = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            return false;
        }
    }
}

/// <summary>Files held in memory (tests, and templates that arrive with an API request).</summary>
public sealed class InMemoryFileReader(IEnumerable<KeyValuePair<string, string>> files) : IFileReader
{
    private readonly ImmutableDictionary<string, string> _files =
        files.ToImmutableDictionary(kv => Path.GetFullPath(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    public bool TryReadAllText(string absolutePath, [NotNullWhen(true)] out string? text, out string error)
    {
        error = _files.TryGetValue(Path.GetFullPath(absolutePath), out text) ? "" : "no such file";
        return text is not null;
    }
}
