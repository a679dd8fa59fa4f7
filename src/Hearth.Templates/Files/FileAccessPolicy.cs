using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Files;

/// <summary>
/// Which files templates may read. <c>get_file</c> and template-file resource types name paths relative to the file
/// that references them; the resolved path must lie inside one of <see cref="AllowedRoots"/>: the top template's folder
/// tree, plus any folder the user allows (<c>--allow-file-path DIR</c>). This keeps a template from reading, say,
/// <c>~/.ssh/id_rsa</c> and shipping it to a server. Paths are compared as written after normalisation (no symlink
/// resolution). Template files named by an environment file are chosen by the user: the engine adds the folder of such a
/// template as a root for that nested stack (<see cref="WithRoot"/>).
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
    public bool IsAllowed(string absolutePath)
    {
        var path = Path.GetFullPath(absolutePath);
        return AllowedRoots.Any(root => path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

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

        diagnostics.Error(span, DiagnosticCodes.FileOutsideTemplateTree,
            $"'{path}' resolves to {full}, outside the template's folder tree ({string.Join(", ", AllowedRoots)}); " +
            $"to allow it, pass --allow-file-path {Path.GetDirectoryName(full) ?? full}");
        return null;
    }

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
    public string? Read(string referencingFile, string path, SourceSpan span, DiagnosticBag diagnostics)
    {
        if (policy.Resolve(referencingFile, path, span, diagnostics) is not { } full)
        {
            return null;
        }

        if (reader.TryReadAllText(full, out var text, out var error))
        {
            return text;
        }

        diagnostics.Error(span, DiagnosticCodes.FileNotFound, $"cannot read '{path}' ({full}): {error}");
        return null;
    }
}
