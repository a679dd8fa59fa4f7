using System.Collections.Immutable;
using Hearth.Templates.Syntax;
using Hearth.Templates.Versions;

namespace Hearth.Templates.Model;

/// <summary>
/// A HOT template as read from one file: its version, and its sections with values parsed into expressions.
/// Nothing here is evaluated; a stack evaluates it with parameters, an environment and resource state.
/// </summary>
public sealed record Template(
    string File,
    TemplateVersion Version,
    string Description,
    ImmutableArray<ParameterGroup> ParameterGroups,
    MappingNode? ParametersSection,
    ImmutableArray<ResourceDefinition> Resources,
    ImmutableArray<OutputDefinition> Outputs,
    MappingNode? ConditionsSection)
{
    private readonly Lazy<ImmutableDictionary<string, ResourceDefinition>> _byName = new(
        () => Resources.ToImmutableDictionary(r => r.Name, StringComparer.Ordinal));

    public ResourceDefinition? FindResource(string name) => _byName.Value.GetValueOrDefault(name);
}
