using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Validation;

/// <summary>
/// How strictly a finding that Heat's own validate lets through is judged. Heat's template-validate checks a
/// template's structure, but not the values of properties, nested stacks' parameters or outputs: those fail only
/// when the stack is created (or, for outputs, show as an error in the output). Hearth finds them all; the mode says
/// which are errors.
/// </summary>
public enum ValidationMode
{
    /// <summary><c>template validate</c>: what Heat's validate accepts is a warning.</summary>
    Validate,

    /// <summary><c>template validate --strict</c>: every finding is an error.</summary>
    Strict,

    /// <summary><c>stack create</c>/<c>update</c>: what Heat refuses at create is an error, what it never refuses a warning.</summary>
    Create,
}

/// <summary>Levels a finding that Heat's validate accepts according to the <see cref="ValidationMode"/>.</summary>
internal static class HeatLeniency
{
    /// <summary>
    /// Adds <paramref name="found"/> to <paramref name="diagnostics"/>; the errors among them that <paramref name="accepted"/>
    /// picks are warnings unless the mode makes them errors (<paramref name="failsAtCreate"/>: Heat refuses them at create).
    /// </summary>
    public static void Add(DiagnosticBag diagnostics, IEnumerable<Diagnostic> found, ValidationMode mode, bool failsAtCreate, Func<Diagnostic, bool> accepted)
    {
        foreach (var diagnostic in found)
        {
            diagnostics.Add(diagnostic.IsError && accepted(diagnostic) && !IsError(mode, failsAtCreate)
                ? diagnostic with { Level = DiagnosticLevel.Warning }
                : diagnostic);
        }
    }

    /// <summary>Adds every error of <paramref name="found"/> as one Heat's validate accepts.</summary>
    public static void AddAll(DiagnosticBag diagnostics, DiagnosticBag found, ValidationMode mode, bool failsAtCreate) =>
        Add(diagnostics, found.ToImmutable(), mode, failsAtCreate, _ => true);

    private static bool IsError(ValidationMode mode, bool failsAtCreate) =>
        mode == ValidationMode.Strict || (mode == ValidationMode.Create && failsAtCreate);
}
