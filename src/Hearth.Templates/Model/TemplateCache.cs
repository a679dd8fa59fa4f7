using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Model;

/// <summary>
/// The templates a host read lately, with what reading them reported, so that reading the same text again costs
/// nothing. One command reads the same text several times (an update loads the new and the previous definition, then
/// the outputs are evaluated; <c>--existing</c> gives all three the same text), and reading is most of the cost of an
/// operation on a big stack. A <see cref="Template"/> is immutable, so it is shared.
/// </summary>
/// <remarks>
/// The host owns one (the <c>hearth</c> command one per command, <c>hearth server</c> one for all its stacks) and a
/// <see cref="Stacks.StackDefinition"/> carries it to the nested templates it reads. Safe to use from many threads and
/// bounded: it keeps the last few top-level templates, and nested ones only while their text is alive.
/// </remarks>
public sealed class TemplateCache
{
    private const int RecentCapacity = 4;

    private readonly Lock _lock = new();
    private readonly LinkedList<RecentTemplate> _recent = new();

    // One parse per file content: a group of 100 members reads the same nested template 100 times. Keyed by the text
    // object, so an entry lives as long as the definition that read it.
    private readonly ConditionalWeakTable<string, Template> _nested = [];

    /// <summary>A template read lately; <see cref="KeptIn"/> is the document cache its syntax was last given to (or found in).</summary>
    private sealed record RecentTemplate(string File, string Text, Template? Template, ImmutableArray<Diagnostic> Diagnostics, SyntaxNode? Root)
    {
        public IDocumentCache? KeptIn { get; set; }
    }

    /// <summary>Reads a template's text, or gives the template read from the same file and text lately (reporting the same problems into <paramref name="diagnostics"/>).</summary>
    /// <param name="file">The template's path, for spans and relative paths.</param>
    /// <param name="text">Its content.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="documents">Documents parsed by earlier processes: a text found there is not parsed again, and one parsed here is added.</param>
    public Template? Read(string file, string text, DiagnosticBag diagnostics, IDocumentCache? documents = null)
    {
        RecentTemplate? recent = null;
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.File == file && string.Equals(node.Value.Text, text, StringComparison.Ordinal))
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    recent = node.Value;
                    break;
                }
            }
        }

        if (recent is not null)
        {
            // Read before this document cache was at hand (a create parses the file it captures first): keep it for the next process.
            if (documents is not null && recent.Root is not null && !ReferenceEquals(recent.KeptIn, documents))
            {
                documents.Add(text, recent.Root);
                recent.KeptIn = documents;
            }

            diagnostics.AddRange(recent.Diagnostics);
            return recent.Template;
        }

        var own = new DiagnosticBag();
        var (template, root) = TemplateReader.ReadUncached(file, text, own, documents);
        var reported = own.ToImmutable();
        diagnostics.AddRange(reported);
        lock (_lock)
        {
            _recent.AddFirst(new RecentTemplate(file, text, template, reported, root) { KeptIn = root is null ? null : documents });
            while (_recent.Count > RecentCapacity)
            {
                _recent.RemoveLast();
            }
        }

        return template;
    }

    /// <summary>A nested template: parsed once per text object and file, however many resources use it.</summary>
    internal Template? ReadNested(string path, string text, DiagnosticBag diagnostics)
    {
        if (_nested.TryGetValue(text, out var cached) && cached.File == path)
        {
            return cached;
        }

        var template = Read(path, text, diagnostics);
        if (template is not null)
        {
            _nested.AddOrUpdate(text, template);
        }

        return template;
    }
}
