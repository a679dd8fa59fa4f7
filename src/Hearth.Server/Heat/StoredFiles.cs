using Hearth.Engine.Operations;
using Hearth.Hosting;
using Hearth.State;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Server.Heat;

/// <summary>
/// A stack's template and environment as Heat's <c>template</c> and <c>environment</c> routes return them: parsed into
/// objects, from the files stored with the stack's definition. Hidden values stay hidden: a hidden parameter's default
/// and the environment's parameter values are masked.
/// </summary>
internal static class StoredFiles
{
    private const string Mask = "******";

    public static object? Template(StackRecord stack)
    {
        var source = Definitions.Restore(stack.Current ?? throw NoDefinition(stack));
        var template = Parse(source.Files.GetValueOrDefault(source.Sources.TemplatePath), source.Sources.TemplatePath);
        if (template is IReadOnlyDictionary<string, object?> map
            && map.GetValueOrDefault("parameters") is IReadOnlyDictionary<string, object?> parameters)
        {
            var copy = Value.NewMap();
            foreach (var (key, value) in map)
            {
                copy[key] = value;
            }

            var masked = Value.NewMap();
            foreach (var (name, schema) in parameters)
            {
                masked[name] = schema is IReadOnlyDictionary<string, object?> s && s.GetValueOrDefault("hidden") is true or "true" && s.ContainsKey("default")
                    ? WithDefaultMasked(s)
                    : schema;
            }

            copy["parameters"] = masked;
            return copy;
        }

        return template;
    }

    public static async Task<object?> EnvironmentAsync(HearthEngine host, StackRecord stack)
    {
        var source = Definitions.Restore(stack.Current ?? throw NoDefinition(stack));
        var registry = Value.NewMap();
        foreach (var path in source.Sources.EnvironmentPaths)
        {
            if (Parse(source.Files.GetValueOrDefault(path), path) is IReadOnlyDictionary<string, object?> environment
                && environment.GetValueOrDefault("resource_registry") is IReadOnlyDictionary<string, object?> entries)
            {
                foreach (var (key, value) in entries)
                {
                    registry[key] = value;
                }
            }
        }

        var parameters = Value.NewMap();
        foreach (var (name, value) in (await host.Engine.GetTemplateSummaryAsync(stack.Name, CancellationToken.None)).Parameters)
        {
            parameters[name] = value;
        }

        var view = Value.NewMap();
        view["parameters"] = parameters;
        view["parameter_defaults"] = Value.NewMap();
        view["resource_registry"] = registry;
        view["event_sinks"] = new List<object?>();
        view["encrypted_param_names"] = new List<object?>();
        return view;
    }

    private static OrderedDictionary<string, object?> WithDefaultMasked(IReadOnlyDictionary<string, object?> schema)
    {
        var copy = Value.NewMap();
        foreach (var (key, value) in schema)
        {
            copy[key] = key == "default" ? Mask : value;
        }

        return copy;
    }

    private static object? Parse(string? text, string file) => text is null ? null : YamlLoader.Load(file, text).Root?.ToValue();

    private static EngineException NoDefinition(StackRecord stack) =>
        new(EngineErrorKind.NotFound, $"stack '{stack.Name}' has no definition (its create was rolled back)");
}
