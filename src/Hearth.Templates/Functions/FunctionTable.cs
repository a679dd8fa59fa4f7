using System.Collections.Frozen;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Expressions;
using Hearth.Templates.Syntax;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Functions;

/// <summary>What the parser knows of one function call when it builds the function.</summary>
/// <param name="Name">The function name as written.</param>
/// <param name="Span">The span of the whole call (the one-key map).</param>
/// <param name="Arguments">The parsed arguments. Macros (<c>if</c>) get them unparsed through <paramref name="ArgumentSyntax"/>.</param>
/// <param name="ArgumentSyntax">The arguments as written, for macros that parse them themselves.</param>
/// <param name="Version">The template version being parsed.</param>
/// <param name="Parser">The parser, for macros.</param>
public sealed record FunctionCall(
    string Name,
    SourceSpan Span,
    Expression Arguments,
    SyntaxNode ArgumentSyntax,
    TemplateVersion Version,
    ExpressionParser Parser);

public delegate Expression FunctionFactory(FunctionCall call);

public enum FunctionKind
{
    /// <summary>A function usable here.</summary>
    Available,

    /// <summary>A function that existed in an older version and is refused in this one (Heat's <c>Removed</c>).</summary>
    Removed,

    /// <summary>A normal function used in a condition context (Heat's <c>Invalid</c>).</summary>
    InvalidInContext,
}

/// <summary>A function name as the parser sees it in one version and context.</summary>
/// <param name="IsMacro">True when the factory parses its own arguments (only the chosen branch of <c>if</c> is parsed).</param>
public sealed record FunctionDefinition(string Name, FunctionKind Kind, FunctionFactory? Factory, bool IsMacro = false);

/// <summary>The functions of one template version in one context (values, or conditions).</summary>
public sealed class FunctionTable(IDictionary<string, FunctionDefinition> definitions)
{
    private readonly FrozenDictionary<string, FunctionDefinition> _definitions = definitions.ToFrozenDictionary(StringComparer.Ordinal);

    public FunctionDefinition? Find(string name) => _definitions.GetValueOrDefault(name);

    public IEnumerable<string> AvailableNames =>
        _definitions.Values.Where(d => d.Kind == FunctionKind.Available).Select(d => d.Name).Order(StringComparer.Ordinal);
}
