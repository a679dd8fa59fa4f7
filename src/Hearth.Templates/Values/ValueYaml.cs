using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Hearth.Templates.Values;

/// <summary>
/// Template values (maps, lists, strings, numbers, booleans, null) as YAML text that reads back as the same values.
/// Written event by event through YamlDotNet's emitter: its object serializer works by reflection, which a natively
/// compiled hearth does not have. A string that a YAML reader would take for something else (<c>true</c>, <c>no</c>,
/// <c>123</c>, <c>1e3</c>, <c>null</c>, an empty string) is quoted; a string of several lines is a literal block, its
/// lines and tabs as they are; a float stays a float (<c>1.0</c>).
/// </summary>
public static partial class ValueYaml
{
    /// <summary>
    /// The YAML text of <paramref name="value"/>. A string for which <paramref name="escaped"/> says yes is written
    /// double-quoted, where YAML escapes its characters (the console uses this for control characters).
    /// </summary>
    public static string Serialize(object? value, Func<string, bool>? escaped = null)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Write(emitter, value, escaped);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Write(IEmitter emitter, object? value, Func<string, bool>? escaped)
    {
        switch (value)
        {
            case null or Omitted or Unknown:
                emitter.Emit(Plain("null"));
                break;
            case string s:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, s, StyleOf(s, escaped), isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case bool b:
                emitter.Emit(Plain(b ? "true" : "false"));
                break;
            case long or int:
                emitter.Emit(Plain(Convert.ToString(value, CultureInfo.InvariantCulture)!));
                break;
            case double d:
                emitter.Emit(Plain(Float(d)));
                break;
            case IReadOnlyDictionary<string, object?> map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Any));
                foreach (var (key, item) in map)
                {
                    Write(emitter, key, escaped);
                    Write(emitter, item, escaped);
                }

                emitter.Emit(new MappingEnd());
                break;
            case IReadOnlyList<object?> list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Any));
                foreach (var item in list)
                {
                    Write(emitter, item, escaped);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                Write(emitter, value.ToString(), escaped);
                break;
        }
    }

    /// <summary>A float as YAML 1.1 reads one too (as Heat's and Hearth's readers do): with a point in its mantissa, <c>1.0e-07</c>.</summary>
    private static string Float(double d)
    {
        if (!double.IsFinite(d))
        {
            return double.IsNaN(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
        }

        var text = Value.FormatPythonFloat(d);
        var exponent = text.IndexOf('e', StringComparison.Ordinal);
        return exponent > 0 && !text.AsSpan(0, exponent).Contains('.') ? text.Insert(exponent, ".0") : text;
    }

    private static Scalar Plain(string text) => new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false);

    /// <summary>
    /// Double-quoted when escaped (and blank text, which other styles would lose), a literal block for several lines,
    /// single-quoted when plain text would read as another type; otherwise the emitter chooses (plain when it can be,
    /// quoted when the text starts with an indicator such as <c>-</c> or <c>*</c>).
    /// </summary>
    private static ScalarStyle StyleOf(string text, Func<string, bool>? escaped)
    {
        if (escaped?.Invoke(text) == true || text.Contains('\r', StringComparison.Ordinal) || text.Trim().Length == 0)
        {
            return ScalarStyle.DoubleQuoted;
        }

        if (text.Contains('\n', StringComparison.Ordinal))
        {
            return ScalarStyle.Literal;
        }

        return NotAString().IsMatch(text) ? ScalarStyle.SingleQuoted : ScalarStyle.Any;
    }

    /// <summary>Plain text a YAML 1.1 or 1.2 reader resolves to null, a boolean or a number.</summary>
    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
        + @"|[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF))"
        + @"|\.(nan|NaN|NAN))$")]
    private static partial Regex NotAString();
}
