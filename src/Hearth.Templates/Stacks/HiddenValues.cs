using System.Collections.Immutable;
using System.Text.Json;
using Hearth.Templates.Expressions;
using Hearth.Templates.Functions;
using Hearth.Templates.Parameters;
using Hearth.Templates.Values;

namespace Hearth.Templates.Stacks;

/// <summary>
/// What a stack's hidden parameters hold, so that nothing shown to a user carries it. Two rules, applied to a copy of
/// what is shown (the stored state keeps every value, for updates and for the scripts that need it):
/// <list type="bullet">
/// <item>A value the template computes from a hidden parameter (a <c>get_param</c> of it, or any function that
/// reads one, such as <c>str_replace</c>) shows as <c>******</c> whole, whatever its length.</item>
/// <item>The text of a hidden value is replaced by <c>******</c> wherever it appears in any other string (a script
/// that echoes it, an output file, an error message), as CI systems mask secrets. A value shorter than
/// <see cref="MinimumTextLength"/> is masked only where it is quoted whole (<c>'no'</c>, as a diagnostic or an error
/// quotes a value it refuses): masking "1" or "yes" everywhere would mangle unrelated text.</item>
/// </list>
/// This is the one masker: template diagnostics, events, failures and every read of the state use it.
/// </summary>
public sealed class HiddenValues
{
    public const int MinimumTextLength = 4;

    public static readonly HiddenValues None = new([], []);

    // Longest first, so a secret that contains another is masked whole.
    private readonly ImmutableArray<string> _texts;

    // Short values, as quoted whole: 'no'.
    private readonly ImmutableArray<string> _quoted;
    private readonly ImmutableHashSet<string> _names;

    private HiddenValues(IEnumerable<string> texts, IEnumerable<string> names)
    {
        var distinct = texts.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        _texts = [.. distinct.Where(t => t.Length >= MinimumTextLength).OrderByDescending(t => t.Length)];
        _quoted = [.. distinct.Where(t => t.Length < MinimumTextLength).Select(t => $"'{t}'")];
        _names = names.ToImmutableHashSet(StringComparer.Ordinal);
    }

    /// <summary>The hidden values of these definitions (a stack's current and previous ones).</summary>
    public static HiddenValues Of(params StackDefinition?[] definitions)
    {
        var hidden = definitions.OfType<StackDefinition>().SelectMany(d => d.Parameters.Parameters.Values).Where(p => p.Hidden).ToList();
        var inherited = definitions.OfType<StackDefinition>().Select(d => d.InheritedHidden).OfType<HiddenValues>().ToList();
        return new HiddenValues(
            hidden.SelectMany(p => Texts(p.Value)).Concat(inherited.SelectMany(h => h._texts.Concat(h._quoted.Select(q => q[1..^1])))),
            hidden.Select(p => p.Name));
    }

    /// <summary>True when there is nothing to hide.</summary>
    public bool IsEmpty => _texts.IsEmpty && _quoted.IsEmpty && _names.IsEmpty;

    /// <summary>
    /// How the line begins that stands before the tail of an output whose beginning was dropped (a script printed more
    /// than is kept): what follows that line begins where the output was cut, perhaps inside a hidden value.
    /// </summary>
    public const string CutMarker = "[hearth: output truncated, the first ";

    /// <summary>
    /// The masked text: every hidden value's text inside it replaced (a short one where it is quoted whole), and where
    /// an output was cut (<see cref="CutMarker"/>), the end of a hidden value the cut left at the start of what follows.
    /// </summary>
    public string Mask(string text)
    {
        foreach (var secret in _texts)
        {
            text = text.Replace(secret, ResolvedParameters.Mask, StringComparison.Ordinal);
        }

        foreach (var quoted in _quoted)
        {
            text = text.Replace(quoted, QuotedMask, StringComparison.Ordinal);
        }

        return _texts.IsEmpty ? text : MaskCut(text);
    }

    /// <summary>After the cut marker's line: the longest end of a hidden value the kept text begins with, masked.</summary>
    private string MaskCut(string text)
    {
        var marker = text.IndexOf(CutMarker, StringComparison.Ordinal);
        var lineEnd = marker < 0 ? -1 : text.IndexOf('\n', marker);
        if (lineEnd < 0)
        {
            return text;
        }

        var kept = text.AsSpan(lineEnd + 1);
        var cut = 0;
        foreach (var secret in _texts)
        {
            for (var length = secret.Length - 1; length > cut; length--)
            {
                if (kept.StartsWith(secret.AsSpan(secret.Length - length), StringComparison.Ordinal))
                {
                    cut = length;
                    break;
                }
            }
        }

        return cut == 0 ? text : string.Concat(text.AsSpan(0, lineEnd + 1), ResolvedParameters.Mask, kept[cut..]);
    }

    private const string QuotedMask = "'" + ResolvedParameters.Mask + "'";

    /// <summary>A copy of a value (lists, maps, strings) with every string masked.</summary>
    public object? Mask(object? value) => _texts.IsEmpty && _quoted.IsEmpty ? value : value switch
    {
        string text => Mask(text),
        IReadOnlyDictionary<string, object?> map => MaskMap(map, (_, item) => Mask(item)),
        IReadOnlyList<object?> list => list.Select(Mask).ToList(),
        _ => value,
    };

    /// <summary>
    /// A copy of what <paramref name="expression"/> evaluated to, masked: where the expression reads a hidden parameter
    /// the value is <c>******</c> whole; literal maps and lists are followed key by key, so only what reads one is hidden.
    /// </summary>
    public object? MaskComputed(Expression expression, object? value)
    {
        if (_names.IsEmpty || !ReadsHidden(expression))
        {
            return Mask(value);
        }

        return (expression, value) switch
        {
            (MapExpression map, IReadOnlyDictionary<string, object?> values) =>
                MaskMap(values, (key, item) => map[key] is { } entry ? MaskComputed(entry, item) : Mask(item)),
            (ListExpression list, IReadOnlyList<object?> items) when list.Items.Length == items.Count =>
                items.Select((item, i) => MaskComputed(list.Items[i], item)).ToList(),
            _ => ResolvedParameters.Mask,
        };
    }

    private bool ReadsHidden(Expression expression) => expression.DescendantsAndSelf().Any(e => e is GetParamFunction get && ReadsHidden(get));

    /// <summary>Whether a <c>get_param</c> may read a hidden parameter (one whose name is computed is assumed to).</summary>
    private bool ReadsHidden(GetParamFunction get) => get.Arguments switch
    {
        LiteralExpression { Value: string name } => _names.Contains(name),
        ListExpression { Items: [LiteralExpression { Value: string name }, ..] } => _names.Contains(name),
        LiteralExpression { Value: IReadOnlyList<object?> { Count: > 0 } path } => path[0] is not string name || _names.Contains(name),
        _ => true,
    };

    private static OrderedDictionary<string, object?> MaskMap(IReadOnlyDictionary<string, object?> map, Func<string, object?, object?> mask)
    {
        var result = Value.NewMap();
        foreach (var (key, item) in map)
        {
            result[key] = mask(key, item);
        }

        return result;
    }

    /// <summary>
    /// The texts a hidden value can show as: itself, each string or number in a list or map, and those as JSON string
    /// content. Not booleans or null: masking every "True" or "None" would hide nothing and mangle everything.
    /// </summary>
    private static IEnumerable<string> Texts(object? value)
    {
        var plain = new List<string>();
        Collect(value, plain);
        if (value is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>)
        {
            plain.Add(Value.ToPythonString(value));
        }

        return plain.Concat(plain.Select(t => JsonEncodedText.Encode(t).Value));

        static void Collect(object? value, List<string> into)
        {
            switch (value)
            {
                case string or long or int or double:
                    into.Add(Value.ToPythonString(value));
                    break;
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var item in map.Values)
                    {
                        Collect(item, into);
                    }

                    break;
                case IReadOnlyList<object?> list:
                    foreach (var item in list)
                    {
                        Collect(item, into);
                    }

                    break;
            }
        }
    }
}
