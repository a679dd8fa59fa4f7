using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Parameters;
using Hearth.Templates.Syntax;

namespace Hearth.Templates.Environment;

/// <summary>How a later environment file combines a parameter value with the one before it (<c>parameter_merge_strategies</c>).</summary>
public enum MergeStrategy
{
    Overwrite = 0,
    Merge = 1,
    DeepMerge = 2,
}

/// <summary>One file's <c>parameter_merge_strategies</c>: a <c>default</c> and per-parameter strategies.</summary>
public sealed record ParameterMergeStrategies(MergeStrategy Default, ImmutableDictionary<string, MergeStrategy> PerParameter)
{
    public static readonly ParameterMergeStrategies None = new(MergeStrategy.Overwrite, ImmutableDictionary<string, MergeStrategy>.Empty);

    public MergeStrategy For(string parameter) => PerParameter.GetValueOrDefault(parameter, Default);
}

/// <summary>
/// One environment file (<c>-e</c>) as written: its sections, each value with its place. Read with <see cref="Load"/>;
/// several are combined with <see cref="StackEnvironment.Merge"/>.
/// </summary>
public sealed record EnvironmentFile(
    string Path,
    ImmutableArray<ParameterInput> Parameters,
    ImmutableArray<ParameterInput> ParameterDefaults,
    MappingNode? ResourceRegistry,
    ImmutableArray<string> EncryptedParamNames,
    ImmutableArray<object?> EventSinks,
    ParameterMergeStrategies MergeStrategies)
{
    /// <summary>The sections an environment may have.</summary>
    public static readonly ImmutableArray<string> Sections =
        ["parameters", "parameter_defaults", "resource_registry", "encrypted_param_names", "event_sinks", "parameter_merge_strategies"];

    /// <summary>The folder relative template paths in the registry are resolved against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? "/";

    /// <summary>Reads an environment file. <paramref name="path"/> is where it was read from (made absolute).</summary>
    public static EnvironmentFile Load(string path, string text, DiagnosticBag diagnostics)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var (root, loadDiagnostics) = YamlLoader.Load(path, text);
        diagnostics.AddRange(loadDiagnostics);
        var empty = new EnvironmentFile(fullPath, [], [], null, [], [], ParameterMergeStrategies.None);
        switch (root)
        {
            case null or ScalarNode { Value: null }:
                return empty;
            case not MappingNode:
                diagnostics.Error(root.Span, DiagnosticCodes.NotAMapping,
                    "The environment is not a valid YAML mapping: it must be a map of sections (parameters, parameter_defaults, resource_registry, ...)");
                return empty;
        }

        var map = (MappingNode)root;
        foreach (var entry in map.Entries)
        {
            if (!Sections.Contains(entry.Key))
            {
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.EnvironmentSection,
                    $"environment has wrong section \"{entry.Key}\" (valid sections: {string.Join(", ", Sections)})");
            }
            else if (entry.Value is ScalarNode { Value: null })
            {
                diagnostics.Error(entry.KeySpan, DiagnosticCodes.EnvironmentSectionEmpty,
                    $"environment has empty section \"{entry.Key}\": remove it, or give it entries");
            }
        }

        return empty with
        {
            Parameters = ReadParameters(map, "parameters", diagnostics),
            ParameterDefaults = ReadParameters(map, "parameter_defaults", diagnostics),
            ResourceRegistry = Section<MappingNode>(map, "resource_registry", "a map", diagnostics),
            EncryptedParamNames = Section<SequenceNode>(map, "encrypted_param_names", "a list of parameter names", diagnostics) is { } names
                ? [.. names.Items.Select(i => Values.Value.ToPythonString(i.ToValue()))]
                : [],
            EventSinks = Section<SequenceNode>(map, "event_sinks", "a list", diagnostics) is { } sinks ? [.. sinks.Items.Select(i => i.ToValue())] : [],
            MergeStrategies = ReadStrategies(map, diagnostics),
        };
    }

    private static T? Section<T>(MappingNode map, string key, string expected, DiagnosticBag diagnostics)
        where T : SyntaxNode
    {
        switch (map[key])
        {
            case null or ScalarNode { Value: null }:
                return null;
            case T node:
                return node;
            case var other:
                diagnostics.Error(other.Span, DiagnosticCodes.EnvironmentSectionWrongType, $"the environment section '{key}' must be {expected}");
                return null;
        }
    }

    private static ImmutableArray<ParameterInput> ReadParameters(MappingNode map, string key, DiagnosticBag diagnostics) =>
        Section<MappingNode>(map, key, "a map of parameter names to values", diagnostics) is { } section
            ? [.. section.Entries.Select(e => new ParameterInput(e.Key, e.Value.ToValue(), e.Value.Span))]
            : [];

    private static ParameterMergeStrategies ReadStrategies(MappingNode map, DiagnosticBag diagnostics)
    {
        if (Section<MappingNode>(map, "parameter_merge_strategies", "a map of parameter names to overwrite, merge or deep_merge", diagnostics) is not { } section)
        {
            return ParameterMergeStrategies.None;
        }

        var @default = MergeStrategy.Overwrite;
        var perParameter = ImmutableDictionary.CreateBuilder<string, MergeStrategy>(StringComparer.Ordinal);
        foreach (var entry in section.Entries)
        {
            MergeStrategy? strategy = entry.Value is ScalarNode { Value: string s } ? s switch
            {
                "overwrite" => MergeStrategy.Overwrite,
                "merge" => MergeStrategy.Merge,
                "deep_merge" => MergeStrategy.DeepMerge,
                _ => null,
            } : null;
            if (strategy is null)
            {
                diagnostics.Error(entry.Value.Span, DiagnosticCodes.MergeStrategyInvalid,
                    $"Invalid merge strategy for '{entry.Key}': use overwrite, merge or deep_merge");
                continue;
            }

            if (entry.Key == "default")
            {
                @default = strategy.Value;
            }
            else
            {
                perParameter[entry.Key] = strategy.Value;
            }
        }

        return new ParameterMergeStrategies(@default, perParameter.ToImmutable());
    }
}
