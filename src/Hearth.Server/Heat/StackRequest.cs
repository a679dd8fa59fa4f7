using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Server.Heat;

/// <summary>
/// A create, update or preview body as Heat's client sends it (<c>template</c> and <c>environment</c> already parsed into
/// objects, <c>files</c> by URL, <c>parameters</c>), turned into the definition the engine takes. The template and the
/// environment become files of a folder that exists only in the stored definition (JSON is YAML, so they read as sent).
/// </summary>
internal sealed record StackRequest(DefinitionSource? Source, ImmutableArray<string> Parameters, bool? DisableRollback)
{
    /// <param name="stackName">The stack the request is for (its files live in a folder of that name).</param>
    /// <param name="body">The request's JSON.</param>
    /// <param name="templates">The server's templates read lately: the operation reads the same template again.</param>
    public static StackRequest Read(string stackName, IReadOnlyDictionary<string, object?> body, TemplateCache templates)
    {
        var parameters = ReadParameters(body.GetValueOrDefault("parameters"));
        var disableRollback = body.GetValueOrDefault("disable_rollback") as bool?;
        if (body.ContainsKey("template_url") && !body.ContainsKey("template"))
        {
            throw new BadHeatRequestException("template_url is not supported: send the template itself");
        }

        if (body.GetValueOrDefault("template") is not { } template)
        {
            return new StackRequest(null, parameters, disableRollback);
        }

        var folder = $"/hearth-api/stacks/{stackName}";
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (url, content) in body.GetValueOrDefault("files") as IReadOnlyDictionary<string, object?> ?? Value.NewMap())
        {
            // Heat's client names the files it read by file:// URL; a template reads them by path.
            files[WithoutScheme(url)] = Text(content);
        }

        // A template_url beside the template says where it was read (hearth's CLI sends it): its relative get_file paths resolve from there.
        var templatePath = body.GetValueOrDefault("template_url") is string templateUrl && templateUrl.StartsWith("file://", StringComparison.Ordinal)
            ? WithoutScheme(templateUrl)
            : $"{folder}/template.yaml";
        files[templatePath] = Text(template);

        // Heat's environment_files: names in files, merged in order before the environment sent inline.
        var environments = (body.GetValueOrDefault("environment_files") as IReadOnlyList<object?> ?? [])
            .OfType<string>().Select(WithoutScheme).ToImmutableArray();
        if (body.GetValueOrDefault("environment") is { } environment && !IsEmpty(environment))
        {
            var environmentPath = $"{folder}/environment.yaml";
            files[environmentPath] = Text(environment);
            environments = [.. environments, environmentPath];
        }

        var sources = new StackSources(templatePath, environments, parameters, []);
        return new StackRequest(Definitions.Capture(sources, new InMemoryFileReader(files), templates), parameters, disableRollback);
    }

    private static string WithoutScheme(string url) => url.StartsWith("file://", StringComparison.Ordinal) ? url["file://".Length..] : url;

    private static bool IsEmpty(object value) => value is IReadOnlyDictionary<string, object?> { Count: 0 } or "";

    private static string Text(object? value) => value as string ?? ValueJson.Serialize(value);

    private static ImmutableArray<string> ReadParameters(object? value) => value switch
    {
        null => [],
        IReadOnlyDictionary<string, object?> map => [.. map.Select(kv => $"{kv.Key}={ParameterText(kv.Value)}")],
        _ => throw new BadHeatRequestException("parameters must be an object of names and values"),
    };

    private static string ParameterText(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IReadOnlyList<object?> list when list.All(i => i is string) => string.Join(',', list),
        _ => ValueJson.Serialize(value),
    };
}
