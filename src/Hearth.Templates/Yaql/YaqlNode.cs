using System.Collections.Immutable;

namespace Hearth.Templates.Yaql;

/// <summary>A node of a parsed yaql expression; <see cref="Position"/> is its 0-based offset in the expression text.</summary>
public abstract record YaqlNode(int Position);

/// <summary>A number, a quoted string, <c>true</c>, <c>false</c> or <c>null</c>.</summary>
public sealed record YaqlConstant(int Position, object? Value) : YaqlNode(Position);

/// <summary>A bare word: a string value, or a key (<c>$.name</c>) or argument name (<c>name =&gt; value</c>).</summary>
public sealed record YaqlKeyword(int Position, string Name) : YaqlNode(Position);

/// <summary><c>$</c>, <c>$1</c>, <c>$name</c>: a value of the context (normalised: <c>$</c> is <c>$1</c>).</summary>
public sealed record YaqlVariable(int Position, string Name) : YaqlNode(Position);

/// <summary><c>name(args)</c>: a function call, or a method call when it stands right of <c>.</c>.</summary>
public sealed record YaqlCall(int Position, string Name, ImmutableArray<YaqlNode> Arguments) : YaqlNode(Position);

public sealed record YaqlBinary(int Position, string Operator, YaqlNode Left, YaqlNode Right) : YaqlNode(Position);

public sealed record YaqlUnary(int Position, string Operator, YaqlNode Operand) : YaqlNode(Position);

/// <summary><c>value[args]</c>.</summary>
public sealed record YaqlIndex(int Position, YaqlNode Target, ImmutableArray<YaqlNode> Arguments) : YaqlNode(Position);

/// <summary><c>[a, b]</c>.</summary>
public sealed record YaqlList(int Position, ImmutableArray<YaqlNode> Items) : YaqlNode(Position);

/// <summary><c>{a =&gt; 1, b =&gt; 2}</c>.</summary>
public sealed record YaqlMap(int Position, ImmutableArray<YaqlNode> Items) : YaqlNode(Position);

/// <summary><c>source =&gt; destination</c> inside an argument list: a named argument or a rule (<c>switch</c>, <c>dict</c>).</summary>
public sealed record YaqlMappingRule(int Position, YaqlNode Source, YaqlNode Destination) : YaqlNode(Position);

/// <summary>An empty argument slot (<c>f(1,,2)</c>): the parameter takes its default.</summary>
public sealed record YaqlNoValue(int Position) : YaqlNode(Position);
