using Hearth.Templates.Values;

namespace Hearth.Execution.Scripts;

/// <summary>
/// The environment the heat-config script contract gives a script: one variable per input, valued the way
/// 55-heat-config and hook-script.py together turn input values into text.
/// </summary>
internal static class ScriptEnvironment
{
    /// <summary>The variable naming the prefix of the output files (<c>${heat_outputs_path}.NAME</c>).</summary>
    public const string OutputsPathVariable = "heat_outputs_path";

    /// <summary>
    /// The text of an input's variable: a string as is; a String-typed input with another value as Python's
    /// <c>str()</c> (55-heat-config: <c>True</c>, <c>None</c>, <c>['a', 1]</c>); other types' lists and maps as
    /// <c>json.dumps</c> in their own key order (hook-script.py); other scalars as Python's <c>str()</c>
    /// (<c>True</c>, <c>1</c>, <c>1.5</c>, <c>None</c>), where hook-script.py itself would crash.
    /// </summary>
    public static string ToVariableValue(DeploymentInput input)
    {
        var value = input.Value is Omitted or Unknown ? null : input.Value;
        return value switch
        {
            string s => s,
            _ when input.Type == DeploymentValueType.String => Value.ToPythonString(value),
            IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> => Value.ToPythonJson(value, sortKeys: false),
            _ => Value.ToPythonString(value),
        };
    }

    /// <summary>
    /// The variables to add to the parent environment, in order (a later one wins, as in hook-script.py), or the
    /// reason an input cannot be a variable (a name with <c>=</c> or NUL, or a NUL in the value).
    /// </summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Variables, string? Error) Build(
        IEnumerable<DeploymentInput> inputs,
        string outputsPath)
    {
        var variables = new List<KeyValuePair<string, string>>();
        foreach (var input in inputs)
        {
            if (input.Name.Length == 0 || input.Name.Contains('=', StringComparison.Ordinal) || input.Name.Contains('\0', StringComparison.Ordinal))
            {
                return ([], $"Input name '{input.Name.Replace("\0", "\\0", StringComparison.Ordinal)}' cannot be an environment variable (empty, or contains '=' or NUL)");
            }

            var text = ToVariableValue(input);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                return ([], $"The value of input '{input.Name}' contains a NUL character, which an environment variable cannot hold");
            }

            variables.Add(new(input.Name, text));
        }

        variables.Add(new(OutputsPathVariable, outputsPath));
        return (variables, null);
    }

    /// <summary>
    /// Why an output cannot be read from <c>${heat_outputs_path}.NAME</c>, or null: a name with <c>/</c> would make
    /// that a path, which a script could lead out of the outputs folder (by making <c>${heat_outputs_path}.x</c> a
    /// folder, <c>x/../../…</c> reaches any file Hearth can read); NUL ends a path.
    /// </summary>
    public static string? OutputNameProblem(IEnumerable<DeploymentOutputDeclaration> outputs) =>
        outputs.FirstOrDefault(o => o.Name.Contains('/', StringComparison.Ordinal) || o.Name.Contains('\0', StringComparison.Ordinal)) is { } bad
            ? $"The output name '{bad.Name.Replace("\0", "\\0", StringComparison.Ordinal)}' contains '/' or NUL: outputs are files ${{heat_outputs_path}}.NAME in the deployment's outputs folder, and a name may not lead out of it"
            : null;
}
