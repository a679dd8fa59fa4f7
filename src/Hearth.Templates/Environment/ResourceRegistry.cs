using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Syntax;
using Hearth.Templates.Values;

namespace Hearth.Templates.Environment;

/// <summary>
/// What a resource type resolves to. <see cref="TemplatePath"/> is set when the resource is a nested stack: an absolute
/// path when an environment mapped the type to a template (<see cref="RegistrySpan"/> says where), or the path as
/// written when the type itself is a file name (then <see cref="RegistrySpan"/> is null and the path is relative to the
/// referencing template: resolve it with <c>FileAccessPolicy</c>).
/// </summary>
public sealed record ResolvedResourceType(string Type, string? TemplatePath, SourceSpan? RegistrySpan)
{
    public bool IsTemplate => TemplatePath is not null;
}

/// <summary>
/// The merged <c>resource_registry</c> of a stack's environments (environment.py <c>ResourceRegistry</c>): type aliases,
/// wildcard aliases (<c>"OS::Network*": "OS::Neutron*"</c>), types mapped to template files, and the
/// <c>resources:</c> map of per-resource overrides, <c>hooks</c> and <c>restricted_actions</c> (names are fnmatch
/// patterns; nested stacks are nested maps). Later files override earlier ones, entry by entry; a null entry removes one.
/// Read-only once built.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly Level _root;

    private ResourceRegistry(Level root)
    {
        _root = root;
    }

    public static ResourceRegistry Empty { get; } = new(new Level());

    /// <summary>Loads the registries of the files in order (later files override earlier ones).</summary>
    public static ResourceRegistry Load(IEnumerable<EnvironmentFile> files, DiagnosticBag diagnostics)
    {
        var root = new Level();
        foreach (var file in files)
        {
            if (file.ResourceRegistry is { } registry)
            {
                LoadLevel(root, registry, file, diagnostics, depth: 0);
            }
        }

        return new ResourceRegistry(root);
    }

    /// <summary>
    /// The effective type of a resource: per-resource overrides, then exact aliases, then wildcards (longest prefix first),
    /// followed through aliases until a type no entry maps, or a template.
    /// </summary>
    /// <param name="resourceName">The resource's name in its own template.</param>
    /// <param name="type">The type the template gives.</param>
    /// <param name="nestedPath">The names of the nested-stack resources above it, outermost first (empty at the top).</param>
    public ResolvedResourceType ResolveType(string resourceName, string type, IReadOnlyList<string> nestedPath, DiagnosticBag? diagnostics = null)
    {
        var resources = ResourcesAt(nestedPath);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = type;
        SourceSpan? lastSpan = null;
        while (true)
        {
            if (IsTemplateName(current))
            {
                return new ResolvedResourceType(current, current, null);
            }

            if (!seen.Add(current))
            {
                diagnostics?.Error(lastSpan ?? SourceSpan.WholeFile("resource_registry"), DiagnosticCodes.RegistryCycle,
                    $"The resource_registry maps type '{type}' of resource '{resourceName}' around a cycle: {string.Join(" -> ", seen)} -> {current}");
                return new ResolvedResourceType(current, null, null);
            }

            var match = FindMapping(resources, resourceName, current);
            if (match is null)
            {
                return new ResolvedResourceType(current, null, null);
            }

            lastSpan = match.Mapping.Span;
            if (match.Mapping.TemplatePath is { } template)
            {
                return new ResolvedResourceType(current, template, match.Mapping.Span);
            }

            current = match.Mapping.Key.EndsWith('*') && match.Path.Length == 1
                ? match.Mapping.Target.EndsWith('*')
                    ? match.Mapping.Target[..^1] + current[(match.Mapping.Key.Length - 1)..]
                    : match.Mapping.Target
                : match.Mapping.Target;
        }
    }

    /// <summary>The hooks (breakpoints) set on a resource.</summary>
    public ResourceHooks HooksFor(string resourceName, IReadOnlyList<string> nestedPath) =>
        HasResourceEntries
            ? MatchingLevels(ResourcesAt(nestedPath), resourceName).Aggregate(ResourceHooks.None, (all, level) => all | level.Hooks)
            : ResourceHooks.None;

    /// <summary>The actions (update, replace) the environment forbids on a resource.</summary>
    public RestrictedActions RestrictedActionsFor(string resourceName, IReadOnlyList<string> nestedPath) =>
        HasResourceEntries
            ? MatchingLevels(ResourcesAt(nestedPath), resourceName).Aggregate(RestrictedActions.None, (all, level) => all | level.Restricted)
            : RestrictedActions.None;

    /// <summary>Whether the registry says anything per resource (hooks, restrictions, mappings): asked per resource, usually no.</summary>
    private bool HasResourceEntries => _root.Items.TryGetValue("resources", out var level) && level is Level { Items.Count: > 0 };

    /// <summary>The top-level type mappings (alias, wildcard or template), for display.</summary>
    public ImmutableArray<(string Type, string Target, string? TemplatePath)> TypeMappings =>
        [.. _root.Items.Values.OfType<Mapping>().Select(m => (m.Key, m.Target, m.TemplatePath))];

    // What ResourcesAt gives when the registry has no per-resource section; never written to.
    private static readonly OrderedDictionary<string, object> NoResources = new(StringComparer.Ordinal);

    private static IEnumerable<Level> MatchingLevels(OrderedDictionary<string, object> resources, string resourceName) =>
        resources.Where(kv => kv.Value is Level && Glob.IsMatch(resourceName, kv.Key)).Select(kv => (Level)kv.Value);

    /// <summary>Heat's <c>remove_resources_except</c>, once per nesting level: what applies inside a nested stack.</summary>
    private OrderedDictionary<string, object> ResourcesAt(IReadOnlyList<string> nestedPath)
    {
        var current = _root.Items.TryGetValue("resources", out var r) && r is Level top ? top.Items : NoResources;
        foreach (var name in nestedPath)
        {
            var next = new OrderedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var level in MatchingLevels(current, name))
            {
                CopyInto(next, level);
            }

            if (current.TryGetValue(name, out var exact) && exact is Level exactLevel)
            {
                CopyInto(next, exactLevel);
            }

            current = next;
        }

        return current;
    }

    private static void CopyInto(OrderedDictionary<string, object> target, Level level)
    {
        foreach (var (key, value) in level.Items)
        {
            target[key] = value;
        }
    }

    private sealed record Candidate(ImmutableArray<string> Path, Mapping Mapping);

    private Candidate? FindMapping(OrderedDictionary<string, object> resources, string resourceName, string type)
    {
        // Allocated only when something matches: types are resolved for every resource of a stack, mostly to themselves.
        List<Candidate>? candidates = null;
        if (resources.TryGetValue(resourceName, out var own) && own is Level ownLevel && ownLevel.Items.TryGetValue(type, out var ownEntry) && ownEntry is Mapping ownMapping)
        {
            (candidates ??= []).Add(new(["resources", resourceName, type], ownMapping));
        }

        if (_root.Items.TryGetValue(type, out var exact) && exact is Mapping exactMapping)
        {
            (candidates ??= []).Add(new([type], exactMapping));
        }

        foreach (var (key, value) in _root.Items)
        {
            // A wildcard never maps a type onto itself (many-to-one mappings such as "OS::*": "OS::Heat::None").
            if (key.EndsWith('*') && value is Mapping glob && type != glob.Target && type.StartsWith(key[..^1], StringComparison.Ordinal))
            {
                (candidates ??= []).Add(new([key], glob));
            }
        }

        if (candidates is null)
        {
            return null;
        }

        // Heat sorts candidates by path length, then by path text, and falls through to the next one when a target type
        // does not exist. Hearth does not know here which types exist, so it takes the specific-first order that fall-through
        // produces in practice: per-resource, exact, then the longest wildcard prefix.
        return candidates.Count == 1 ? candidates[0] : candidates
            .OrderByDescending(c => c.Path.Length)
            .ThenBy(c => c.Mapping.Key.EndsWith('*') ? 1 : 0)
            .ThenByDescending(c => c.Mapping.Key.Length)
            .FirstOrDefault();
    }

    internal static bool IsTemplateName(string name) =>
        name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".template", StringComparison.Ordinal);

    private static void LoadLevel(Level level, MappingNode map, EnvironmentFile file, DiagnosticBag diagnostics, int depth)
    {
        foreach (var entry in map.Entries)
        {
            var key = entry.Key;
            var value = entry.Value;
            if (value is ScalarNode { Value: null })
            {
                Remove(level, key);
                continue;
            }

            if (depth > 0 && key == "hooks")
            {
                level.Hooks = ReadNames(value, "hook", ResourceHookNames.HookNames, n => ResourceHookNames.ParseHook(n) is { } h ? (int)h : null,
                    DiagnosticCodes.HookInvalid, diagnostics) is { } hooks ? (ResourceHooks)hooks : level.Hooks;
                continue;
            }

            if (depth > 0 && key == "restricted_actions")
            {
                level.Restricted = ReadNames(value, "restricted_action", ["update", "replace"], n => ResourceHookNames.ParseRestrictedAction(n) is { } a ? (int)a : null,
                    DiagnosticCodes.RestrictedActionInvalid, diagnostics) is { } actions ? (RestrictedActions)actions : level.Restricted;
                continue;
            }

            if (value is MappingNode child && (depth > 0 || key == "resources"))
            {
                if (!level.Items.TryGetValue(key, out var existing) || existing is not Level childLevel)
                {
                    childLevel = new Level();
                    level.Items[key] = childLevel;
                }

                LoadLevel(childLevel, child, file, diagnostics, depth + 1);
                continue;
            }

            if (depth == 1)
            {
                diagnostics.Error(value.Span, DiagnosticCodes.RegistryEntryInvalid,
                    $"resource_registry: the entry for resource '{key}' under 'resources' must be a map (of types, hooks, restricted_actions or nested resources)");
                continue;
            }

            if (value is not ScalarNode { Value: string target } || key == "resources")
            {
                diagnostics.Error(value.Span, DiagnosticCodes.RegistryEntryInvalid,
                    key == "resources"
                        ? "resource_registry: 'resources' must be a map of resource names to overrides"
                        : $"resource_registry: '{key}' must map to a resource type or a template file (a string)");
                continue;
            }

            level.Items[key] = new Mapping(key, target, TemplatePathOf(key, target, file, value.Span, diagnostics), value.Span);
        }
    }

    private static void Remove(Level level, string key)
    {
        if (key.EndsWith('*'))
        {
            foreach (var name in level.Items.Keys.Where(k => k.StartsWith(key[..^1], StringComparison.Ordinal) && level.Items[k] is Mapping).ToList())
            {
                level.Items.Remove(name);
            }
        }
        else
        {
            level.Items.Remove(key);
        }
    }

    private static string? TemplatePathOf(string key, string target, EnvironmentFile file, SourceSpan span, DiagnosticBag diagnostics)
    {
        var name = IsTemplateName(key) ? key : IsTemplateName(target) ? target : null;
        if (name is null)
        {
            return null;
        }

        if (name.StartsWith("file://", StringComparison.Ordinal))
        {
            return Path.GetFullPath(name["file://".Length..]);
        }

        if (name.Contains("://", StringComparison.Ordinal))
        {
            diagnostics.Error(span, DiagnosticCodes.RegistryEntryInvalid,
                $"resource_registry: '{name}' is a remote URL; Hearth reads templates from files only (give a path relative to the environment file)");
            return null;
        }

        return Path.GetFullPath(Path.Combine(file.Directory, name));
    }

    private static int? ReadNames(SyntaxNode node, string what, IEnumerable<string> valid, Func<string, int?> parse, string code, DiagnosticBag diagnostics)
    {
        var items = node switch
        {
            ScalarNode scalar => [scalar],
            SequenceNode list => list.Items,
            _ => [node],
        };
        var result = 0;
        var ok = true;
        foreach (var item in items)
        {
            if (item is ScalarNode { Value: string name } && parse(name) is { } flag)
            {
                result |= flag;
                continue;
            }

            ok = false;
            diagnostics.Error(item.Span, code,
                $"Invalid {what} type \"{Value.ToPythonString(item.ToValue())}\" for resource, acceptable {what} types are: {string.Join(", ", valid)}");
        }

        return ok ? result : null;
    }

    /// <summary>A level of the registry: the top, <c>resources</c>, or one resource (pattern) inside it.</summary>
    private sealed class Level
    {
        public OrderedDictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

        public ResourceHooks Hooks { get; set; }

        public RestrictedActions Restricted { get; set; }
    }

    /// <summary>A type mapped to another type (alias or wildcard) or to a template file.</summary>
    private sealed record Mapping(string Key, string Target, string? TemplatePath, SourceSpan Span);
}
