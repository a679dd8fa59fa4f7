using System.Collections.Immutable;
using System.Globalization;
using Hearth.Templates.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Hearth.Templates.Syntax;

/// <summary>
/// Reads a YAML or JSON document into <see cref="SyntaxNode"/>s that keep their line and column.
/// Scalars are typed as Heat types them: YAML 1.1 for YAML, JSON rules for a document that starts with <c>{</c>.
/// A syntax error becomes one diagnostic at its position; the loader never throws for bad input.
/// </summary>
public static class YamlLoader
{
    /// <summary>Documents nested deeper than this are refused: real templates are shallow, and it bounds the stack.</summary>
    public const int MaxDepth = 256;

    /// <summary>
    /// How many nodes aliases may add to a document once expanded. An alias is one node in the text but a copy of its
    /// anchor wherever the document is used: ten anchors each aliasing the one before ten times make 10^10 nodes from
    /// a few hundred bytes (a "billion laughs"), which took the process out of memory.
    /// </summary>
    public const long MaxAliasNodes = 1_000_000;

    public static (SyntaxNode? Root, ImmutableArray<Diagnostic> Diagnostics) Load(string file, string text)
    {
        var diagnostics = new DiagnosticBag();
        var isJson = text.TrimStart().StartsWith('{');
        var reader = new Reader(file, isJson, diagnostics);
        SyntaxNode? root = null;
        var lastMark = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(text));
            root = reader.ReadStream(parser, m => lastMark = m);
        }
        catch (YamlException e)
        {
            var message = CleanYamlMessage(e.Message);
            // "While parsing a flow mapping, did not find expected ',' or '}'" is reported where the text ran out, often
            // the end of the file: say where the '{' or '[' it is about was opened.
            if (reader.OpenFlow is var (open, at) && e.Message.Contains("flow ", StringComparison.Ordinal))
            {
                message += string.Create(CultureInfo.InvariantCulture, $" (in the '{open}' opened at {at.Line}:{at.Column})");
            }

            diagnostics.Error(ErrorSpan(file, text, e, lastMark), DiagnosticCodes.YamlSyntax, $"{(isJson ? "JSON" : "YAML")} syntax error: {message}");
            root = null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet reports an unterminated flow collection ("a: [1, 2") without a position: point at its opening.
            var syntax = isJson ? "JSON" : "YAML";
            if (reader.OpenFlow is var (open, at))
            {
                diagnostics.Error(Span(file, at, at), DiagnosticCodes.YamlSyntax, $"{syntax} syntax error: this '{open}' is not closed before the end of the file");
            }
            else
            {
                diagnostics.Error(Span(file, lastMark, lastMark), DiagnosticCodes.YamlSyntax, $"{syntax} syntax error: a '[' or '{{' is not closed before the end of the file");
            }

            root = null;
        }
        catch (DepthException e)
        {
            diagnostics.Error(e.Span, DiagnosticCodes.YamlSyntax, $"the document is nested more than {MaxDepth} levels deep");
            root = null;
        }
        catch (AliasLimitException e)
        {
            diagnostics.Error(e.Span, DiagnosticCodes.YamlAliasLimit,
                $"YAML aliases repeat more than {MaxAliasNodes.ToString("N0", CultureInfo.InvariantCulture)} nodes in this document " +
                $"(here '*{e.Alias}' adds {e.Nodes.ToString("N0", CultureInfo.InvariantCulture)}); write the values out, or use fewer aliases of big anchors");
            root = null;
        }

        return (root, diagnostics.ToImmutable());
    }

    internal static SourceSpan Span(string file, Mark start, Mark end) =>
        new(file, Math.Max(1, (int)start.Line), Math.Max(1, (int)start.Column), Math.Max(1, (int)end.Line), Math.Max(1, (int)end.Column));

    /// <summary>
    /// Where a YAML error is. YamlDotNet reports some errors (a tab in the indentation) without a position: point at the
    /// first indenting tab, or else at the last node read, never at 1:1 of a file whose line 1 is fine.
    /// </summary>
    private static SourceSpan ErrorSpan(string file, string text, YamlException e, Mark lastMark)
    {
        if (e.Start.Index > 0 || e.Start.Line > 1 || e.Start.Column > 1)
        {
            return Span(file, e.Start, e.End);
        }

        if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindIndentingTab(text) is var (line, column))
        {
            return new SourceSpan(file, line, column, line, column + 1);
        }

        return Span(file, lastMark, lastMark);
    }

    private static (int Line, int Column)? FindIndentingTab(string text)
    {
        var line = 1;
        var column = 1;
        var indenting = true;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                (line, column, indenting) = (line + 1, 1, true);
                continue;
            }

            if (indenting && c == '\t')
            {
                return (line, column);
            }

            indenting &= c is ' ' or '\r';
            column++;
        }

        return null;
    }

    private static string CleanYamlMessage(string message)
    {
        // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the diagnostic has the position.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        var text = index >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(index + 3)..] : message;
        // Some of its messages are joined with a double space ("While parsing a flow mapping,  did not find …").
        while (text.Contains("  ", StringComparison.Ordinal))
        {
            text = text.Replace("  ", " ", StringComparison.Ordinal);
        }

        return text.TrimEnd('.');
    }

    private sealed class DepthException(SourceSpan span) : Exception
    {
        public SourceSpan Span { get; } = span;
    }

    private sealed class AliasLimitException(SourceSpan span, string alias, long nodes) : Exception
    {
        public SourceSpan Span { get; } = span;

        public string Alias { get; } = alias;

        public long Nodes { get; } = nodes;
    }

    private sealed class Reader(string file, bool isJson, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, (SyntaxNode Node, long Nodes)> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<(char Open, Mark Start)> _flows = new();
        private Action<Mark> _onMark = _ => { };

        // Nodes read so far with every alias counted as the nodes of its anchor: an anchor's size is the difference
        // between this count after and before it, so nested aliases are counted without walking their trees.
        private long _expandedNodes;
        private long _aliasNodes;

        /// <summary>The innermost flow collection (<c>[…]</c>, <c>{…}</c>) being read: where a syntax error inside one was opened.</summary>
        public (char Open, Mark Start)? OpenFlow => _flows.Count > 0 ? _flows.Peek() : null;

        public SyntaxNode? ReadStream(IParser parser, Action<Mark> onMark)
        {
            _onMark = onMark;
            parser.Consume<StreamStart>();
            SyntaxNode? root = null;
            var documents = 0;
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                documents++;
                if (documents == 2)
                {
                    diagnostics.Error(Span(file, start.Start, start.End), DiagnosticCodes.YamlSyntax,
                        "a template holds exactly one YAML document: remove the second '---' document");
                }

                var node = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, 0);
                parser.Consume<DocumentEnd>();
                root ??= node;
            }

            parser.Consume<StreamEnd>();
            return root;
        }

        private SyntaxNode ReadNode(IParser parser, int depth)
        {
            var current = parser.Current;
            if (current is not null)
            {
                _onMark(current.Start);
            }

            if (depth > MaxDepth && current is not null)
            {
                throw new DepthException(Span(file, current.Start, current.End));
            }

            var start = _expandedNodes;
            _expandedNodes++;
            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        _expandedNodes += target.Nodes - 1;
                        _aliasNodes += target.Nodes;
                        if (_aliasNodes > MaxAliasNodes)
                        {
                            throw new AliasLimitException(Span(file, alias.Start, alias.End), alias.Value.Value, target.Nodes);
                        }

                        return target.Node;
                    }

                    var aliasSpan = Span(file, alias.Start, alias.End);
                    diagnostics.Error(aliasSpan, DiagnosticCodes.YamlSyntax, $"YAML alias '*{alias.Value.Value}' names no anchor defined before it");
                    return new ScalarNode(aliasSpan, null, "");

                case Scalar scalar:
                    parser.MoveNext();
                    return Remember(scalar.Anchor, start, new ScalarNode(Span(file, scalar.Start, scalar.End), TypeScalar(scalar), scalar.Value));

                case SequenceStart sequenceStart:
                {
                    parser.MoveNext();
                    var flow = Opened(sequenceStart.Style == SequenceStyle.Flow, '[', sequenceStart.Start);
                    var items = ImmutableArray.CreateBuilder<SyntaxNode>();
                    while (!parser.Accept<SequenceEnd>(out _))
                    {
                        items.Add(ReadNode(parser, depth + 1));
                    }

                    // Closed before the parser moves past it: reading ahead is where an error after it is thrown.
                    Closed(flow);
                    parser.MoveNext();

                    var endMark = parser.Current?.Start ?? sequenceStart.End;
                    return Remember(sequenceStart.Anchor, start, new SequenceNode(Span(file, sequenceStart.Start, endMark), items.ToImmutable()));
                }

                case MappingStart mappingStart:
                {
                    parser.MoveNext();
                    var flow = Opened(mappingStart.Style == MappingStyle.Flow, '{', mappingStart.Start);
                    var entries = ImmutableArray.CreateBuilder<MappingEntry>();
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.Accept<MappingEnd>(out _))
                    {
                        var keyNode = ReadNode(parser, depth + 1);
                        var value = ReadNode(parser, depth + 1);
                        var key = KeyText(keyNode);
                        if (keys.Add(key))
                        {
                            entries.Add(new MappingEntry(key, keyNode.Span, value));
                            continue;
                        }

                        diagnostics.Warning(keyNode.Span, DiagnosticCodes.DuplicateKey,
                            $"the key '{key}' appears more than once in this map; the last one wins");

                        // As a YAML load into a Python dict (Heat): the first key's place, the last key's value.
                        for (var i = 0; i < entries.Count; i++)
                        {
                            if (entries[i].Key == key)
                            {
                                entries[i] = new MappingEntry(key, keyNode.Span, value);
                            }
                        }
                    }

                    Closed(flow);
                    parser.MoveNext();
                    var endMark = parser.Current?.Start ?? mappingStart.End;
                    return Remember(mappingStart.Anchor, start, new MappingNode(Span(file, mappingStart.Start, endMark), entries.ToImmutable()));
                }

                default:
                    throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty, "unexpected YAML content");
            }
        }

        private bool Opened(bool flow, char open, Mark start)
        {
            if (flow)
            {
                _flows.Push((open, start));
            }

            return flow;
        }

        private void Closed(bool flow)
        {
            if (flow)
            {
                _flows.Pop();
            }
        }

        private string KeyText(SyntaxNode key)
        {
            switch (key)
            {
                case ScalarNode { Value: string s }:
                    return s;
                case ScalarNode scalar:
                    return Values.Value.ToPythonString(scalar.Value);
                default:
                    diagnostics.Error(key.Span, DiagnosticCodes.YamlSyntax, "a map key must be a plain value, not a list or a map");
                    return $"<complex key at {key.Span.Line}:{key.Span.Column}>";
            }
        }

        private SyntaxNode Remember(AnchorName anchor, long start, SyntaxNode node)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = (node, _expandedNodes - start);
            }

            return node;
        }

        private object? TypeScalar(Scalar scalar)
        {
            var tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
            if (tag is "tag:yaml.org,2002:str" or "!!str" || scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            {
                return scalar.Value;
            }

            if (!scalar.Tag.IsEmpty && tag is not ("tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:null" or "!"))
            {
                return scalar.Value;
            }

            return isJson ? JsonScalar(scalar.Value) : YamlScalars.Resolve(scalar.Value);
        }

        private static object? JsonScalar(string text) => text switch
        {
            "null" => null,
            "true" => true,
            "false" => false,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => YamlScalars.Resolve(text),
        };
    }
}
