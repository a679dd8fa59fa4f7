using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Cli.Rendering;

/// <summary>Diagnostics as compilers print them (<c>file:line:col: error HT104: message</c>), relative to the current folder.</summary>
internal static class DiagnosticPrinter
{
    public static async Task WriteAsync(CliConsole console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            var shown = diagnostic with { Span = diagnostic.Span with { File = Relative(diagnostic.Span.File) } };
            await console.Error.WriteLineAsync(shown.ToString());
        }
    }

    public static OrderedDictionary<string, object?> ToView(Diagnostic diagnostic)
    {
        var map = Value.NewMap();
        map["file"] = Relative(diagnostic.Span.File);
        map["line"] = (long)diagnostic.Span.Line;
        map["column"] = (long)diagnostic.Span.Column;
        map["end_line"] = (long)diagnostic.Span.EndLine;
        map["end_column"] = (long)diagnostic.Span.EndColumn;
        map["severity"] = diagnostic.IsError ? "error" : "warning";
        map["code"] = diagnostic.Code;
        map["message"] = diagnostic.Message;
        return map;
    }

    private static string Relative(string file)
    {
        if (!Path.IsPathRooted(file))
        {
            return file;
        }

        var relative = Path.GetRelativePath(System.Environment.CurrentDirectory, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }
}
