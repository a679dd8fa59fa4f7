using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Parameters;

/// <summary>Where a resolved parameter value came from.</summary>
public enum ParameterValueSource
{
    /// <summary>The environment's <c>parameters</c> or a <c>--parameter</c> argument.</summary>
    User = 0,

    /// <summary>The environment's <c>parameter_defaults</c>.</summary>
    ParameterDefaults = 1,

    /// <summary>The template's <c>default</c>.</summary>
    TemplateDefault = 2,

    /// <summary>A pseudo-parameter from the stack identity (<c>OS::stack_name</c>, …).</summary>
    Pseudo = 3,
}

/// <summary>One parameter's value, converted to its type and checked.</summary>
public sealed record ResolvedParameter(string Name, ParameterSchema? Schema, object? Value, ParameterValueSource Source, SourceSpan? Span)
{
    public bool Hidden => Schema?.Hidden ?? false;

    /// <summary>Heat's <c>str(param)</c>: <c>******</c> when hidden, lists joined with ',', json as JSON text.</summary>
    public string Display => Hidden ? ResolvedParameters.Mask : Value switch
    {
        IReadOnlyList<object?> list when Schema?.Type == ParameterType.CommaDelimitedList => string.Join(",", list.Select(Values.Value.ToPythonString)),
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => Values.Value.ToPythonJson(Value, sortKeys: false),
        _ => Values.Value.ToPythonString(Value),
    };
}

/// <summary>
/// The parameters of a stack after resolution: the declared parameters that have a valid value, and the
/// pseudo-parameters. A parameter missing here had an error (reported) or is <c>OS::region</c> (declared, never set).
/// </summary>
/// <param name="Refused">
/// The declared parameters whose value (given, or the template's default) was refused, each reported where that value
/// is; the others missing from <paramref name="Parameters"/> were given no value.
/// </param>
public sealed record ResolvedParameters(
    ImmutableArray<ParameterSchema> Schemas,
    ImmutableDictionary<string, ResolvedParameter> Parameters,
    ImmutableHashSet<string> Refused)
{
    /// <summary>What hidden values are shown as.</summary>
    public const string Mask = "******";

    /// <summary>The pseudo-parameters HOT declares for every stack.</summary>
    public static readonly ImmutableArray<string> PseudoParameterNames = ["OS::stack_id", "OS::stack_name", "OS::region", "OS::project_id"];

    /// <summary>The parameter's value, for <c>get_param</c>.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        if (Parameters.TryGetValue(name, out var parameter))
        {
            value = parameter.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>True for a parameter the template declares, or a pseudo-parameter (get_param may name it).</summary>
    public bool IsDeclared(string name) => Schemas.Any(s => s.Name == name) || PseudoParameterNames.Contains(name);

    /// <summary>Every parameter's display text (hidden ones as <c>******</c>), for stack show, events and the dashboard.</summary>
    public ImmutableSortedDictionary<string, string> Masked() =>
        Parameters.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.Display, StringComparer.Ordinal);

    /// <summary>The value as it may be shown to a user.</summary>
    public string Display(string name) => Parameters.TryGetValue(name, out var p) ? p.Display : "";

    /// <summary>Plain values (name → value) of the declared, non-pseudo parameters, as stored with a stack.</summary>
    public ImmutableDictionary<string, object?> UserValues() =>
        Parameters.Values.Where(p => p.Source != ParameterValueSource.Pseudo).ToImmutableDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
}
