using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Files;

/// <summary>
/// Which files templates may read. <c>get_file</c> and template-file resource types name paths relative to the file
/// that references them; the resolved path must lie inside one of <see cref="AllowedRoots"/>: the top template's folder
/// tree, plus any folder the user allows (<c>--allow-file-path DIR</c>). This keeps a template from reading, say,
/// <c>~/.ssh/id_rsa</c> and shipping it to a server. The path as written must lie inside a root, and so must the file
/// itself once its links are resolved (checked by the reader on the open file): a link <c>etc -> /etc</c> in the
/// template's folder does not let <c>get_file: etc/shadow</c> out. Template files named by an environment file are
/// chosen by the user: the engine adds the folder of such a template as a root for that nested stack (<see cref="WithRoot"/>).
/// </summary>
public sealed record FileAccessPolicy(ImmutableArray<string> AllowedRoots)
{
    /// <summary>The policy of a stack whose top template is <paramref name="topTemplatePath"/>.</summary>
    public static FileAccessPolicy ForTemplate(string topTemplatePath, IEnumerable<string>? allowedPaths = null)
    {
        var top = Path.GetDirectoryName(Path.GetFullPath(topTemplatePath)) ?? "/";
        return new FileAccessPolicy([Normalize(top), .. (allowedPaths ?? []).Select(p => Normalize(Path.GetFullPath(p)))]);
    }

    /// <summary>This policy with one more allowed folder.</summary>
    public FileAccessPolicy WithRoot(string folder) =>
        AllowedRoots.Contains(Normalize(Path.GetFullPath(folder))) ? this : new FileAccessPolicy(AllowedRoots.Add(Normalize(Path.GetFullPath(folder))));

    /// <summary>True when <paramref name="absolutePath"/> lies inside an allowed root.</summary>
    public bool IsAllowed(string absolutePath) => IsInside(Path.GetFullPath(absolutePath), AllowedRoots);

    /// <summary>True when the absolute, normalised <paramref name="path"/> is one of <paramref name="roots"/> or below one.</summary>
    public static bool IsInside(string path, IEnumerable<string> roots) =>
        roots.Any(root => path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    /// <summary>
    /// Resolves <paramref name="path"/> as referenced from <paramref name="referencingFile"/> (relative to its folder;
    /// <c>file://</c> URLs accepted) and checks it. Returns the absolute path, or null after reporting why not.
    /// </summary>
    public string? Resolve(string referencingFile, string path, SourceSpan span, DiagnosticBag diagnostics)
    {
        var target = path;
        if (target.StartsWith("file://", StringComparison.Ordinal))
        {
            target = target["file://".Length..];
        }
        else if (target.Contains("://", StringComparison.Ordinal))
        {
            diagnostics.Error(span, DiagnosticCodes.FileOutsideTemplateTree, $"'{path}' is a URL; Hearth reads only local files, relative to the template");
            return null;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(referencingFile)) ?? "/";
        var full = Path.GetFullPath(Path.Combine(folder, target));
        if (IsAllowed(full))
        {
            return full;
        }

        ReportOutside(span, $"'{path}' resolves to {full}", full, diagnostics);
        return null;
    }

    /// <summary>Reports that <paramref name="file"/> lies outside the allowed roots, and how to allow it.</summary>
    public void ReportOutside(SourceSpan span, string what, string file, DiagnosticBag diagnostics) =>
        diagnostics.Error(span, DiagnosticCodes.FileOutsideTemplateTree,
            $"{what}, outside the template's folder tree ({string.Join(", ", AllowedRoots)}); " +
            $"to allow it, pass --allow-file-path {Path.GetDirectoryName(file) ?? file}");

    private static string Normalize(string folder) =>
        folder.Length > 1 ? folder.TrimEnd(Path.DirectorySeparatorChar) : folder;
}

/// <summary>Reads the files a template references, through the policy and an injected reader.</summary>
public sealed class TemplateFileSource(IFileReader reader, FileAccessPolicy policy)
{
    public FileAccessPolicy Policy => policy;

    /// <summary>The reader underneath, for nested templates that read with a policy of their own.</summary>
    public IFileReader Reader => reader;

    /// <summary>The text of <paramref name="path"/> referenced from <paramref name="referencingFile"/>, or null after a diagnostic.</summary>
    /// <param name="maxBytes">The largest file read (<see cref="FileLimits"/>).</param>
    public string? Read(string referencingFile, string path, SourceSpan span, DiagnosticBag diagnostics, long maxBytes)
    {
        if (policy.Resolve(referencingFile, path, span, diagnostics) is not { } full)
        {
            return null;
        }

        var read = reader.Read(full, maxBytes, policy.AllowedRoots);
        if (read.Problem == FileProblem.OutsideRoots)
        {
            policy.ReportOutside(span, $"'{path}' is {full}, a link to {read.Detail}", read.Detail, diagnostics);
            return null;
        }

        return read.Text ?? read.Report(span, $"'{path}' ({full})", diagnostics);
    }
}
