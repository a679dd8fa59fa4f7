using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Syntax;

/// <summary>
/// A YAML/JSON node with its place in the file. Scalars already carry their YAML 1.1 value
/// (null, bool, long, double or string), as Heat's PyYAML loader resolves them.
/// </summary>
public abstract record SyntaxNode(SourceSpan Span)
{
    /// <summary>The plain data this node stands for (maps, lists and scalars), without positions.</summary>
    public abstract object? ToValue();
}

public sealed record ScalarNode(SourceSpan Span, object? Value, string Text) : SyntaxNode(Span)
{
    public override object? ToValue() => Value;
}

public sealed record SequenceNode(SourceSpan Span, ImmutableArray<SyntaxNode> Items) : SyntaxNode(Span)
{
    public override object? ToValue() => Items.Select(i => i.ToValue()).ToList();
}

/// <summary>A map entry. Keys are text (Heat converts non-string keys with <c>str()</c>).</summary>
public sealed record MappingEntry(string Key, SourceSpan KeySpan, SyntaxNode Value);

public sealed record MappingNode(SourceSpan Span, ImmutableArray<MappingEntry> Entries) : SyntaxNode(Span)
{
    public SyntaxNode? this[string key] => Find(key)?.Value;

    /// <summary>The last entry with this key (YAML duplicate keys: the last one wins, as in PyYAML).</summary>
    public MappingEntry? Find(string key)
    {
        for (var i = Entries.Length - 1; i >= 0; i--)
        {
            if (Entries[i].Key == key)
            {
                return Entries[i];
            }
        }

        return null;
    }

    public override object? ToValue()
    {
        var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            map[entry.Key] = entry.Value.ToValue();
        }

        return map;
    }
}
