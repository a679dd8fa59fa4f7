namespace Hearth.Templates.Environment;

/// <summary>The breakpoints (hooks) a resource may have (heat-semantics §11). Values are persisted: never renumber.</summary>
[Flags]
public enum ResourceHooks
{
    None = 0,
    PreCreate = 1,
    PreUpdate = 2,
    PreDelete = 4,
    PostCreate = 8,
    PostUpdate = 16,
    PostDelete = 32,
}

/// <summary>The actions an environment may forbid on a resource (<c>restricted_actions</c>). Values are persisted: never renumber.</summary>
[Flags]
public enum RestrictedActions
{
    None = 0,
    Update = 1,
    Replace = 2,
}

/// <summary>The names of hooks and restricted actions as environments and events write them.</summary>
public static class ResourceHookNames
{
    private static readonly (string Name, ResourceHooks Hook)[] Hooks =
    [
        ("pre-create", ResourceHooks.PreCreate), ("pre-update", ResourceHooks.PreUpdate), ("pre-delete", ResourceHooks.PreDelete),
        ("post-create", ResourceHooks.PostCreate), ("post-update", ResourceHooks.PostUpdate), ("post-delete", ResourceHooks.PostDelete),
    ];

    /// <summary>Every valid hook name, in Heat's order.</summary>
    public static IEnumerable<string> HookNames => Hooks.Select(h => h.Name);

    public static ResourceHooks? ParseHook(string name) =>
        Hooks.FirstOrDefault(h => h.Name == name) is { Name: not null } found ? found.Hook : null;

    /// <summary>The names of the hooks set in <paramref name="hooks"/> (<c>pre-create</c>, …).</summary>
    public static IEnumerable<string> ToNames(this ResourceHooks hooks) => Hooks.Where(h => hooks.HasFlag(h.Hook)).Select(h => h.Name);

    public static RestrictedActions? ParseRestrictedAction(string name) => name switch
    {
        "update" => RestrictedActions.Update,
        "replace" => RestrictedActions.Replace,
        _ => null,
    };
}
