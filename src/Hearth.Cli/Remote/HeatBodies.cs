using System.Collections.Immutable;
using Hearth.Engine.Operations;
using Hearth.Templates.Values;

namespace Hearth.Cli.Remote;

/// <summary>Create and update bodies as Heat's API takes them, from the definition the CLI read from disk.</summary>
internal static class HeatBodies
{
    /// <summary>
    /// The template, environments and every file they read, as the OpenStack client sends them: file contents in
    /// <c>files</c> by <c>file://</c> URL, the environments named in <c>environment_files</c>. <c>template_url</c> says
    /// where the template was read from, so the server resolves its relative <c>get_file</c> paths as this machine did.
    /// </summary>
    public static OrderedDictionary<string, object?> Definition(DefinitionSource source, ImmutableArray<string> parameters)
    {
        var body = Parameters(parameters);
        var sources = source.Sources;
        body["template"] = source.Files.GetValueOrDefault(sources.TemplatePath) ?? "";
        body["template_url"] = Url(sources.TemplatePath);
        body["environment_files"] = sources.EnvironmentPaths.Select(p => (object?)Url(p)).ToList();
        var files = Value.NewMap();
        foreach (var (path, content) in source.Files)
        {
            files[Url(path)] = content;
        }

        body["files"] = files;
        return body;
    }

    /// <summary>
    /// An update's or preview's body: the new definition when one was read, else (<c>--existing</c>) only the parameters
    /// that override the stored ones.
    /// </summary>
    public static OrderedDictionary<string, object?> DefinitionOrOverrides(DefinitionSource? source, ImmutableArray<string> parameterOverrides) =>
        source is null ? Parameters(parameterOverrides) : Definition(source, source.Sources.Parameters);

    /// <summary><c>--parameter K=V</c> values as Heat's <c>parameters</c> object.</summary>
    public static OrderedDictionary<string, object?> Parameters(IEnumerable<string> parameters)
    {
        var values = Value.NewMap();
        foreach (var parameter in parameters)
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            values[equals < 0 ? parameter : parameter[..equals]] = equals < 0 ? "" : parameter[(equals + 1)..];
        }

        var body = Value.NewMap();
        body["parameters"] = values;
        return body;
    }

    private static string Url(string path) => "file://" + path;
}
