using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Values;

namespace Hearth.Templates.Parameters;

/// <summary>
/// Gives every declared parameter its value, as Heat's <c>Parameters</c> does: a user value (environment
/// <c>parameters</c>, then <c>--parameter</c>) over <c>parameter_defaults</c> over the template default, converted to the
/// parameter's type and checked against its constraints. Every problem is a diagnostic at the value's place.
/// </summary>
public static class ParameterResolver
{
    /// <summary>Resolves the parameters of one stack.</summary>
    /// <param name="schemas">The template's parameters (<see cref="ParameterSchemaReader.Read"/>).</param>
    /// <param name="userValues">User values in order of precedence, lowest first (later entries win): the merged environment's <c>parameters</c>, then <c>--parameter</c> values.</param>
    /// <param name="parameterDefaults">The merged environment's <c>parameter_defaults</c> (undeclared names are ignored, as they flow to nested stacks).</param>
    /// <param name="stack">The stack identity for the pseudo-parameters.</param>
    public static ResolvedParameters Resolve(
        ImmutableArray<ParameterSchema> schemas,
        IEnumerable<ParameterInput> userValues,
        IEnumerable<ParameterInput> parameterDefaults,
        StackIdentity stack,
        DiagnosticBag diagnostics)
    {
        var declared = new Dictionary<string, ParameterSchema>(StringComparer.Ordinal);
        foreach (var schema in schemas)
        {
            declared[schema.Name] = schema;
        }

        var user = LastWins(userValues);
        var defaults = LastWins(parameterDefaults);
        foreach (var input in user.Values.Where(i => !declared.ContainsKey(i.Name)))
        {
            diagnostics.Error(input.Span, DiagnosticCodes.ParameterUnknown,
                $"The Parameter ({input.Name}) was not defined in template.{Suggest(input.Name, declared.Keys)}");
        }

        var result = ImmutableDictionary.CreateBuilder<string, ResolvedParameter>(StringComparer.Ordinal);
        var refused = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        AddPseudo(result, stack);
        foreach (var schema in declared.Values)
        {
            if (!schema.IsValid)
            {
                continue;
            }

            if (ResolveOne(schema, user.GetValueOrDefault(schema.Name), defaults.GetValueOrDefault(schema.Name), diagnostics, out var wasRefused) is { } resolved)
            {
                result[schema.Name] = resolved;
            }
            else if (wasRefused)
            {
                refused.Add(schema.Name);
            }
        }

        return new ResolvedParameters(schemas, result.ToImmutable(), refused.ToImmutable());
    }

    private static Dictionary<string, ParameterInput> LastWins(IEnumerable<ParameterInput> inputs)
    {
        var map = new Dictionary<string, ParameterInput>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            map[input.Name] = input;
        }

        return map;
    }

    private static void AddPseudo(ImmutableDictionary<string, ResolvedParameter>.Builder result, StackIdentity stack)
    {
        result["OS::stack_id"] = new("OS::stack_id", null, stack.Id, ParameterValueSource.Pseudo, null);
        result["OS::project_id"] = new("OS::project_id", null, stack.ProjectId, ParameterValueSource.Pseudo, null);
        if (!string.IsNullOrEmpty(stack.Name))
        {
            result["OS::stack_name"] = new("OS::stack_name", null, stack.Name, ParameterValueSource.Pseudo, null);
        }
    }

    /// <param name="refused">Whether a value was given (or defaulted) and refused, as opposed to none being given.</param>
    private static ResolvedParameter? ResolveOne(ParameterSchema schema, ParameterInput? user, ParameterInput? parameterDefault, DiagnosticBag diagnostics, out bool refused)
    {
        refused = true;
        // Heat validates the template default even when another value is used.
        if (ParameterChecks.ValidateDefault(schema) is { } defaultError && schema.Default is { } badDefault)
        {
            diagnostics.Error(badDefault.Span, DiagnosticCodes.ParameterDefaultInvalid, defaultError);
            return null;
        }

        object? raw;
        ParameterValueSource source;
        SourceSpan span;
        if (user?.Value is not null)
        {
            (raw, source, span) = (user.Value, ParameterValueSource.User, user.Span);
        }
        else if (parameterDefault?.Value is not null)
        {
            (raw, source, span) = (parameterDefault.Value, ParameterValueSource.ParameterDefaults, parameterDefault.Span);
        }
        else if (schema.Default?.Value is { } templateDefault)
        {
            (raw, source, span) = (templateDefault, ParameterValueSource.TemplateDefault, schema.Default.Span);
        }
        else
        {
            refused = false;
            diagnostics.Error(schema.Span, DiagnosticCodes.ParameterMissing,
                $"The Parameter ({schema.Name}) was not provided. Pass it with --parameter {schema.Name}=VALUE, " +
                "or set it under 'parameters:' (or 'parameter_defaults:') in an environment file given with -e");
            return null;
        }

        if (!ParameterChecks.TryConvert(schema.Type, raw, out var value, out var error))
        {
            var shown = schema.Hidden ? $"the value is not a valid {schema.Type.ToTemplateName()}" : error;
            diagnostics.Error(span, DiagnosticCodes.ParameterValueInvalid, $"Parameter '{schema.Name}' is invalid: {shown}");
            return null;
        }

        if (source != ParameterValueSource.TemplateDefault
            && ParameterChecks.CheckConstraints(schema, raw, ParameterChecks.ConstraintSubject(schema.Type, raw, value)) is { } failure)
        {
            diagnostics.Error(span, DiagnosticCodes.ParameterConstraintFailed, $"Parameter '{schema.Name}' is invalid: {failure}");
            return null;
        }

        return new ResolvedParameter(schema.Name, schema, value, source, span);
    }

    // Heat's own sentence, then the closest declared name (a case slip or a typo: nmae for name).
    private static string Suggest(string name, IEnumerable<string> declared) =>
        Schema.PropertyValidator.Suggest(name, declared) is { } match ? $" Did you mean '{match}'?" : "";

    /// <summary>
    /// The immutable parameters an update may not change (Heat's <c>immutable_params_modified</c>): those declared in both
    /// stacks, <c>immutable: true</c> in the new template, whose value differs. Values are compared after conversion to
    /// the type (Heat compares the raw update value, so "3" vs 3 would differ there; Hearth treats them as equal).
    /// </summary>
    public static ImmutableArray<string> FindImmutableChanges(ResolvedParameters previous, ResolvedParameters updated)
    {
        var oldNames = previous.Schemas.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. updated.Schemas
                .Where(s => s.Immutable && oldNames.Contains(s.Name))
                .Where(s => previous.Parameters.TryGetValue(s.Name, out var before)
                    && updated.Parameters.TryGetValue(s.Name, out var after)
                    && !Value.DeepEquals(before.Value, after.Value))
                .Select(s => s.Name)
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>Reports each immutable parameter the update changes (HT305), at the new value's place.</summary>
    public static bool CheckImmutable(ResolvedParameters previous, ResolvedParameters updated, DiagnosticBag diagnostics)
    {
        var changed = FindImmutableChanges(previous, updated);
        foreach (var name in changed)
        {
            var before = previous.Parameters[name];
            var after = updated.Parameters[name];
            var schema = after.Schema ?? before.Schema;
            var span = after.Span ?? schema?.Span ?? SourceSpan.WholeFile("");
            diagnostics.Error(span, DiagnosticCodes.ParameterImmutable,
                $"The following parameters are immutable and may not be updated: {name} (it was {before.Display}, the update gives {after.Display})");
        }

        return changed.IsEmpty;
    }
}
