using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Validation;

/// <summary>A parameter as validation shows it: the value is masked when the parameter is hidden.</summary>
/// <param name="DisplayValue">The value as shown (hidden ones masked); null when the parameter has none (no default, none given).</param>
public sealed record ParameterSummary(string Name, string Type, string? DisplayValue, bool Hidden, string Source, string? Description);

/// <summary>A resource as validation found it: its type as written and as the environment resolves it.</summary>
public sealed record ResourceSummary(string Name, string Type, string ResolvedType, bool Enabled, ImmutableArray<string> DependsOn);

public sealed record OutputSummary(string Name, string? Description);

/// <summary>What <c>hearth template validate</c> reports: every diagnostic found, and what the template declares.</summary>
public sealed record ValidationReport(
    string TemplatePath,
    string? Version,
    string? Description,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<ParameterSummary> Parameters,
    ImmutableArray<ResourceSummary> Resources,
    ImmutableArray<OutputSummary> Outputs)
{
    public bool IsValid => !Diagnostics.Any(d => d.IsError);
}
