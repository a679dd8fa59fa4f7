using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Functions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Versions;
using Hearth.Templates.Yaql;

namespace Hearth.Templates.Expressions;

/// <summary>
/// Turns syntax into expressions for one template version. A map with exactly one key that names a function of the
/// version is a call; anything else is data (<c>{get_param: x, other: 1}</c> is a plain map, as in Heat).
/// Arguments are parsed first, then the function is built; a bad argument shape is reported and parsing goes on.
/// </summary>
public sealed class ExpressionParser(TemplateVersion version, DiagnosticBag diagnostics)
{
    public TemplateVersion Version { get; } = version;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    /// <summary>The yaql expressions parsed for this template, by text (shared with the parsers of deferred branches).</summary>
    public YaqlParseCache YaqlCache { get; private init; } = new();

    /// <summary>Parses a value (a resource property, an output value, …).</summary>
    public Expression Parse(SyntaxNode node) => Parse(node, Version.Functions);

    /// <summary>Parses a condition expression (the <c>conditions</c> section, <c>condition</c> keys, the first argument of <c>if</c>).</summary>
    public Expression ParseCondition(SyntaxNode node) => Parse(node, Version.ConditionFunctions);

    /// <summary>
    /// Parses with diagnostics kept inside the result instead of reported: used for the branches of <c>if</c>,
    /// whose errors count only if the branch is chosen.
    /// </summary>
    public Expression ParseDeferred(SyntaxNode node, bool condition = false)
    {
        var deferred = new DiagnosticBag();
        var parser = new ExpressionParser(Version, deferred) { YaqlCache = YaqlCache };
        var expression = condition ? parser.ParseCondition(node) : parser.Parse(node);
        var firstError = deferred.ToImmutable().FirstOrDefault(d => d.IsError);
        return firstError is null ? expression : new InvalidExpression(node.Span, firstError);
    }

    private Expression Parse(SyntaxNode node, FunctionTable table)
    {
        switch (node)
        {
            case ScalarNode scalar:
                return new LiteralExpression(scalar.Span, scalar.Value);

            case SequenceNode sequence:
            {
                var items = ImmutableArray.CreateBuilder<Expression>(sequence.Items.Length);
                var allLiteral = true;
                foreach (var item in sequence.Items)
                {
                    var parsed = Parse(item, table);
                    allLiteral &= parsed is LiteralExpression;
                    items.Add(parsed);
                }

                return allLiteral ? new LiteralExpression(sequence.Span, sequence.ToValue()) : new ListExpression(sequence.Span, items.MoveToImmutable());
            }

            case MappingNode mapping when mapping.Entries.Length == 1 && table.Find(mapping.Entries[0].Key) is { } definition:
                return ParseCall(mapping, mapping.Entries[0], definition, table);

            case MappingNode mapping:
            {
                if (mapping.Entries.Length == 1 && ReferenceEquals(table, Version.Functions))
                {
                    WarnIfFunctionOfLaterVersion(mapping.Entries[0]);
                }

                var entries = ImmutableArray.CreateBuilder<MapExpressionEntry>(mapping.Entries.Length);
                var allLiteral = true;
                foreach (var entry in mapping.Entries)
                {
                    var parsed = Parse(entry.Value, table);
                    allLiteral &= parsed is LiteralExpression;
                    entries.Add(new MapExpressionEntry(entry.Key, entry.KeySpan, parsed));
                }

                return allLiteral ? new LiteralExpression(mapping.Span, mapping.ToValue()) : new MapExpression(mapping.Span, entries.MoveToImmutable());
            }

            default:
                throw new InvalidOperationException($"Unknown syntax node {node.GetType().Name}");
        }
    }

    private Expression ParseCall(MappingNode mapping, MappingEntry entry, FunctionDefinition definition, FunctionTable table)
    {
        var span = new SourceSpan(mapping.Span.File, entry.KeySpan.Line, entry.KeySpan.Column, mapping.Span.EndLine, mapping.Span.EndColumn);
        switch (definition.Kind)
        {
            case FunctionKind.Removed when definition.Factory is null:
                return Fail(span, DiagnosticCodes.FunctionRemoved,
                    $"the function \"{entry.Key}\" is not supported in HOT version {Version.Date}; use the HOT equivalent ({FunctionCatalog.ReplacementHint(entry.Key)})");
            case FunctionKind.InvalidInContext:
                return Fail(span, DiagnosticCodes.FunctionInvalidInContext,
                    $"the function \"{entry.Key}\" is invalid in a condition; conditions may use {string.Join(", ", table.AvailableNames)}");
        }

        var arguments = definition.IsMacro ? new LiteralExpression(entry.Value.Span, null) : Parse(entry.Value, table);
        var call = new FunctionCall(entry.Key, span, arguments, entry.Value, Version, this);
        if (definition.Factory is null)
        {
            return Fail(span, DiagnosticCodes.FunctionArguments, $"the function \"{entry.Key}\" has no implementation");
        }

        try
        {
            return definition.Factory(call);
        }
        catch (TemplateException e)
        {
            Diagnostics.Add(e.ToDiagnostic());
            return new InvalidExpression(span, e.ToDiagnostic());
        }
    }

    /// <summary>
    /// A one-key map named after a function of a later version is data here (as in Heat), but almost always a mistake:
    /// warn, naming the first version that has the function.
    /// </summary>
    private void WarnIfFunctionOfLaterVersion(MappingEntry entry)
    {
        var since = TemplateVersion.All.FirstOrDefault(v =>
            v.AtLeast(Version) && v.Functions.Find(entry.Key) is { Kind: FunctionKind.Available });
        if (since is null || since == Version)
        {
            return;
        }

        Diagnostics.Add(new Diagnostic(entry.KeySpan, DiagnosticLevel.Warning, DiagnosticCodes.FunctionNotInVersion,
            $"\"{entry.Key}\" is a function only from heat_template_version {since} on; in {Version.Date} this map is plain data, so raise the version to use it"));
    }

    private InvalidExpression Fail(SourceSpan span, string code, string message)
    {
        var diagnostic = new Diagnostic(span, DiagnosticLevel.Error, code, message);
        Diagnostics.Add(diagnostic);
        return new InvalidExpression(span, diagnostic);
    }
}
