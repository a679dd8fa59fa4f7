using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Hearth.Engine.Resources;
using Hearth.Engine.ResourceTypes;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Stacks;
using Hearth.Templates.Syntax;
using Hearth.Templates.Validation;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// A stack's inputs with the content of every file they read, so the stored definition is self-contained: a
/// rollback or a resume months later does not depend on the files still being on disk, or unchanged.
/// </summary>
public sealed record DefinitionSource(StackSources Sources, ImmutableSortedDictionary<string, string> Files)
{
    /// <summary>
    /// What capturing found that Heat does not refuse at create (an unknown key in an output, an output that cannot be
    /// evaluated): shown to the user, never stored.
    /// </summary>
    public ImmutableArray<Diagnostic> Warnings { get; init; } = [];

    public DefinitionSource WithParameters(IEnumerable<string> parameters) =>
        this with { Sources = Sources with { Parameters = [.. Sources.Parameters, .. parameters] } };
}

/// <summary>Loading, storing and evaluating stack definitions for the engine.</summary>
public static class Definitions
{
    /// <summary>Hearth has no projects; OS::project_id is a fixed value so templates that use it still resolve.</summary>
    public const string ProjectId = "hearth";

    /// <summary>
    /// Reads a definition from disk, recording every file it reads. Template errors throw an <see cref="EngineException"/>;
    /// warnings come with the source (<see cref="DefinitionSource.Warnings"/>).
    /// </summary>
    /// <param name="sources">The files and values to read.</param>
    /// <param name="reader">Where the files are.</param>
    /// <param name="templates">The host's templates read lately (the engine that runs the operation reads the same text again).</param>
    /// <param name="documents">Templates parsed by earlier processes: a stored definition's template is found there, not parsed again.</param>
    public static DefinitionSource Capture(StackSources sources, IFileReader reader, TemplateCache? templates = null, IDocumentCache? documents = null)
    {
        var recording = new RecordingFileReader(reader);
        var loading = new DiagnosticBag();
        var definition = StackDefinitionLoader.Load(
            sources, new StackIdentity("preview", Guid.Empty.ToString(), ProjectId), recording, loading, documents: documents, templates: templates);
        var diagnostics = new DiagnosticBag();
        if (definition is null)
        {
            ThrowIfErrors(loading);
        }
        else
        {
            // What Heat refuses when it creates a stack is refused before anything is recorded.
            TemplateValidator.ValidateForCreate(definition, loading, BuiltinResourceTypes.Instance, diagnostics);
            ReadReferencedFiles(definition, depth: 0, diagnostics);
            ThrowIfErrors(diagnostics);
        }

        return new DefinitionSource(sources, recording.Recorded.ToImmutableSortedDictionary(StringComparer.Ordinal))
        {
            Warnings = [.. diagnostics.ToImmutable().Where(d => !d.IsError)],
        };
    }

    /// <summary>
    /// Checks a source whose files were captured before (the stored one, with <c>--parameter</c> overrides) as
    /// <see cref="Capture"/> checks a new one: what Heat refuses at create throws an <see cref="EngineException"/> before
    /// anything is recorded. Returns the warnings.
    /// </summary>
    public static ImmutableArray<Diagnostic> Validate(DefinitionSource source, TemplateCache? templates = null, IDocumentCache? documents = null) =>
        Capture(source.Sources, new InMemoryFileReader(source.Files), templates, documents).Warnings;

    /// <summary>
    /// Reads every file the definition may use — <c>get_file</c> targets written literally (as Heat's client
    /// collects them) and nested templates, at any depth — so that they are recorded and stored with it. A file the
    /// rules refuse (through a link out of the folder, not a regular file, too large) goes to <paramref name="refusals"/>,
    /// as Heat's client refuses a file it cannot fetch; a missing one stays an error of the output that reads it.
    /// </summary>
    private static void ReadReferencedFiles(StackDefinition definition, int depth, DiagnosticBag refusals)
    {
        if (depth >= TemplateValidator.MaxNestingDepth)
        {
            return;
        }

        var template = definition.Template;
        var expressions = template.Resources.SelectMany(r => r.AllExpressions).Concat(template.Outputs.Select(o => o.Value));
        foreach (var call in expressions.SelectMany(e => e.DescendantsAndSelf()).OfType<Templates.Expressions.FunctionExpression>())
        {
            if (call.Name == "get_file" && call.Arguments is Templates.Expressions.LiteralExpression { Value: string path })
            {
                var read = new DiagnosticBag();
                definition.Files.Read(template.File, path, call.Span, read, FileLimits.GetFileBytes);
                refusals.AddRange(read.ToImmutable().Where(d => d.Code is DiagnosticCodes.FileOutsideTemplateTree or DiagnosticCodes.NotARegularFile or DiagnosticCodes.FileTooLarge));
            }
        }

        foreach (var resource in definition.Template.Resources.SelectMany(WithGroupMembers))
        {
            var resolved = definition.ResolveType(resource);
            if (!resolved.IsTemplate && !Resources.Handlers.NestedStackHandler.IsTemplateType(resolved.Type))
            {
                continue;
            }

            var ignored = new DiagnosticBag();
            if (NestedStacks.ReadTemplate(definition, resource, resolved, ignored) is { } nested)
            {
                var identity = new StackIdentity("preview", Guid.Empty.ToString(), ProjectId);
                ReadReferencedFiles(NestedStacks.Load(definition, resource, nested, Value.NewMap(), identity, ignored), depth + 1, refusals);
            }
        }
    }

    /// <summary>A resource, and for a ResourceGroup or ResourceChain also its members' definitions (their type may be a template file).</summary>
    private static IEnumerable<Templates.Model.ResourceDefinition> WithGroupMembers(Templates.Model.ResourceDefinition resource)
    {
        yield return resource;
        object? evaluated;
        try
        {
            evaluated = resource.Type is ResourceTypes.ResourceTypeNames.ResourceGroup or ResourceTypes.ResourceTypeNames.ResourceChain
                ? resource.Properties.Evaluate(new LiteralOnlyContext())
                : null;
        }
        catch (TemplateException)
        {
            evaluated = null;
        }

        if (evaluated is IReadOnlyDictionary<string, object?> properties
            && properties.GetValueOrDefault("resource_def") is IReadOnlyDictionary<string, object?> memberDefinition
            && memberDefinition.GetValueOrDefault("type") is string memberType)
        {
            yield return resource with { Type = memberType };
        }

        if (evaluated is IReadOnlyDictionary<string, object?> chain
            && chain.GetValueOrDefault(ResourceTypes.Schemas.ResourceChainSchema.Resources) is IReadOnlyList<object?> memberTypes)
        {
            foreach (var chainType in memberTypes.OfType<string>())
            {
                yield return resource with { Type = chainType };
            }
        }
    }

    /// <summary>Only literal values: functions give "known after apply", so nothing is read or resolved while capturing.</summary>
    private sealed class LiteralOnlyContext : Templates.Expressions.EvaluationContext
    {
        public override Templates.Versions.TemplateVersion Version => Templates.Versions.TemplateVersion.V2021_04_16;

        public override object? GetParameter(string name, SourceSpan span) => Unknown.Value;

        public override object? GetResourceReference(string resourceName, SourceSpan span) => Unknown.Value;

        public override object? GetAttribute(string resourceName, string attributeName, IReadOnlyList<object?> path, SourceSpan span) => Unknown.Value;

        public override object? GetAllAttributes(string resourceName, SourceSpan span) => Unknown.Value;

        public override string GetFile(string key, SourceSpan span) => "";

        public override bool GetCondition(string name, SourceSpan span) => true;
    }

    /// <summary>Loads a definition from its recorded files (its template from <paramref name="documents"/> when it was parsed before).</summary>
    public static StackDefinition Load(
        DefinitionSource source, StackIdentity identity, ResourceHandlerRegistry handlers, IDocumentCache? documents = null, TemplateCache? templates = null)
    {
        var loading = new DiagnosticBag();
        var definition = StackDefinitionLoader.Load(source.Sources, identity, new InMemoryFileReader(source.Files), loading, documents: documents, templates: templates);
        var diagnostics = TemplateValidator.LoadedForCreate(loading, source.Sources.TemplatePath);
        if (definition is not null)
        {
            foreach (var resource in definition.EnabledResources)
            {
                var type = definition.ResolvedType(resource);
                if (handlers.Find(type) is null && !Resources.Handlers.NestedStackHandler.IsTemplateType(type))
                {
                    diagnostics.Error(resource.TypeSpan, DiagnosticCodes.UnknownResourceType,
                        $"Hearth cannot deploy resources of type '{type}' (resource '{resource.Name}') in this version");
                }
            }
        }

        ThrowIfErrors(diagnostics);
        return definition ?? throw new EngineException(EngineErrorKind.InvalidInput, "the template could not be read");
    }

    private static void ThrowIfErrors(DiagnosticBag diagnostics)
    {
        if (diagnostics.HasErrors)
        {
            throw EngineException.TemplateErrors(diagnostics.ToImmutable());
        }
    }

    /// <summary>
    /// The stored form of <paramref name="source"/>, which reads the same files as <paramref name="stored"/> came from (an
    /// update with <c>--existing</c>, <see cref="SameFiles"/>): the stored template and environment are reused as they
    /// are, since serializing a megabyte template again would give the same text. The description is given, as to
    /// <see cref="Store"/>: one stored before descriptions were kept has none.
    /// </summary>
    public static StoredDefinition StoreWithSameFiles(DefinitionSource source, StoredDefinition stored, string description) =>
        stored with { ParametersJson = ParametersJson(source), Description = description };

    /// <summary>
    /// The stored form of a definition. The files are kept compressed (<c>files_brotli</c>: the JSON map of path to
    /// content, Brotli, base64): a stack row holds the current and the previous definition and is written at the start
    /// and the end of every operation, and a megabyte template written four times per update was most of the store's work.
    /// </summary>
    /// <param name="source">The files and values the definition was loaded from.</param>
    /// <param name="description">The loaded template's description, kept beside it for lists of stacks.</param>
    public static StoredDefinition Store(DefinitionSource source, string description)
    {
        var template = Value.NewMap();
        template["template"] = source.Sources.TemplatePath;
        template["allowed_paths"] = source.Sources.AllowedPaths.ToList<object?>();
        var files = Value.NewMap();
        foreach (var (path, content) in source.Files)
        {
            files[path] = content;
        }

        template[CompressedFilesKey] = Compress(ValueJson.Serialize(files));
        var environment = Value.NewMap();
        environment["environments"] = source.Sources.EnvironmentPaths.ToList<object?>();
        return new StoredDefinition(ValueJson.Serialize(template), ValueJson.Serialize(environment), ParametersJson(source), description);
    }

    private static string ParametersJson(DefinitionSource source)
    {
        var parameters = Value.NewMap();
        parameters["parameters"] = source.Sources.Parameters.ToList<object?>();
        return ValueJson.Serialize(parameters);
    }

    public static DefinitionSource Restore(StoredDefinition stored)
    {
        var template = ValueJson.DeserializeMap(stored.TemplateJson);
        var environment = ValueJson.DeserializeMap(stored.EnvironmentJson);
        var parameters = ValueJson.DeserializeMap(stored.ParametersJson);
        // Definitions stored before files were compressed have them as a plain map.
        var storedFiles = template.GetValueOrDefault(CompressedFilesKey) is string compressed
            ? ValueJson.DeserializeMap(Decompress(compressed))
            : template.GetValueOrDefault("files") as IReadOnlyDictionary<string, object?> ?? Value.NewMap();
        var files = storedFiles.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value as string ?? "", StringComparer.Ordinal);
        var sources = new StackSources(
            template.GetValueOrDefault("template") as string ?? "",
            Strings(environment.GetValueOrDefault("environments")),
            Strings(parameters.GetValueOrDefault("parameters")),
            Strings(template.GetValueOrDefault("allowed_paths")));
        return new DefinitionSource(sources, files);
    }

    private const string CompressedFilesKey = "files_brotli";

    private static string Compress(string text)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(Encoding.UTF8.GetBytes(text));
        }

        return Convert.ToBase64String(output.GetBuffer(), 0, (int)output.Length);
    }

    private static string Decompress(string base64)
    {
        try
        {
            using var brotli = new BrotliStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
            using var reader = new StreamReader(brotli, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            throw new EngineException(EngineErrorKind.InvalidInput, $"the stack's stored definition is damaged: its files cannot be read ({e.Message})");
        }
    }

    /// <summary>
    /// Whether two definitions read the same files with the same content: template, environments, <c>get_file</c>
    /// targets and nested templates (an update with <c>--existing</c> reuses the stored ones). Parameters may differ.
    /// </summary>
    public static bool SameFiles(DefinitionSource a, DefinitionSource b) =>
        a.Sources.TemplatePath == b.Sources.TemplatePath
        && a.Sources.EnvironmentPaths.SequenceEqual(b.Sources.EnvironmentPaths, StringComparer.Ordinal)
        && a.Sources.AllowedPaths.SequenceEqual(b.Sources.AllowedPaths, StringComparer.Ordinal)
        && (ReferenceEquals(a.Files, b.Files)
            || (a.Files.Count == b.Files.Count
                && a.Files.All(file => b.Files.TryGetValue(file.Key, out var content) && string.Equals(file.Value, content, StringComparison.Ordinal))));

    private static ImmutableArray<string> Strings(object? value) =>
        value is IReadOnlyList<object?> list ? [.. list.OfType<string>()] : [];

    /// <summary>Refuses an update that changes a parameter marked <c>immutable: true</c>.</summary>
    public static void CheckImmutableParameters(StackDefinition previous, StackDefinition updated)
    {
        var changed = ParameterResolver.FindImmutableChanges(previous.Parameters, updated.Parameters);
        if (!changed.IsEmpty)
        {
            throw new EngineException(EngineErrorKind.InvalidInput,
                $"The following parameters are immutable and may not be updated: {string.Join(", ", changed)}");
        }
    }

    /// <summary>Outputs evaluated against resources; an output that cannot be evaluated carries its error, as in Heat.</summary>
    public static IReadOnlyList<OutputValue> EvaluateOutputs(StackDefinition definition, IResourceLookup resources)
    {
        var context = definition.CreateContext(resources);
        var outputs = new List<OutputValue>(definition.Template.Outputs.Length);
        foreach (var output in definition.Template.Outputs)
        {
            try
            {
                var value = definition.IsConditionTrue(output.Condition) ? output.Value.Evaluate(context) : null;
                outputs.Add(new OutputValue(output.Name, output.Description, value is Omitted ? null : value, null));
            }
            catch (TemplateException e)
            {
                outputs.Add(new OutputValue(output.Name, output.Description, null, e.Message));
            }
        }

        return outputs;
    }

    /// <summary>A reader that remembers what it read, to store it with the definition.</summary>
    private sealed class RecordingFileReader(IFileReader inner) : IFileReader
    {
        public ConcurrentDictionary<string, string> Recorded { get; } = new(StringComparer.Ordinal);

        public FileRead Read(string absolutePath, long maxBytes, ImmutableArray<string> roots)
        {
            var read = inner.Read(absolutePath, maxBytes, roots);
            if (read.Text is { } text)
            {
                Recorded[Path.GetFullPath(absolutePath)] = text;
            }

            return read;
        }
    }
}
