using System.Collections.Immutable;

namespace Hearth.Templates.Diagnostics;

/// <summary>Collects diagnostics while a template is read, so one run reports every problem it can find.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<(SourceSpan, string, string)> _seen = [];

    public bool HasErrors { get; private set; }

    public int Count => _items.Count;

    public void Add(Diagnostic diagnostic)
    {
        // The same problem can be reached twice (a function validated, then resolved): report it once.
        if (!_seen.Add((diagnostic.Span, diagnostic.Code, diagnostic.Message)))
        {
            return;
        }

        _items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    public void Error(SourceSpan span, string code, string message) => Add(new Diagnostic(span, DiagnosticLevel.Error, code, message));

    public void Warning(SourceSpan span, string code, string message) => Add(new Diagnostic(span, DiagnosticLevel.Warning, code, message));

    /// <summary>The diagnostics in source order (file, then position), the order a reader fixes them in.</summary>
    public ImmutableArray<Diagnostic> ToImmutable() =>
        [.. _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Span.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Span.Line)
            .ThenBy(x => x.d.Span.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)];
}
