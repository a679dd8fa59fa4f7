using System.Collections;

namespace Hearth.Templates.Yaql;

/// <summary>
/// A yaql map: any hashable key (Python's equality, so 1, 1.0 and true are one key), insertion order kept.
/// <see cref="Frozen"/> tells a FrozenDict (input data, <c>dict()</c>, map literals) from a plain dict, which
/// Python measures differently for the memory quota.
/// </summary>
internal sealed class YaqlDict : IEnumerable<KeyValuePair<object?, object?>>
{
    private static readonly object _nullKey = new();
    private readonly OrderedDictionary<object, object?> _entries = new(YaqlEquality.Instance);

    public YaqlDict(bool frozen = true)
    {
        Frozen = frozen;
    }

    public bool Frozen { get; }

    public int Count => _entries.Count;

    public IEnumerable<object?> Keys => _entries.Keys.Select(k => ReferenceEquals(k, _nullKey) ? null : k);

    public IEnumerable<object?> Values => _entries.Values;

    public void Set(object? key, object? value) => _entries[YaqlEquality.RequireHashable(key) ?? _nullKey] = value;

    public bool TryGet(object? key, out object? value)
    {
        if (!YaqlEquality.IsHashable(key))
        {
            throw new YaqlEvaluationException($"a {YaqlText.TypeName(key)} cannot be a map key (it is not hashable)");
        }

        return _entries.TryGetValue(key ?? _nullKey, out value);
    }

    public bool ContainsKey(object? key) => TryGet(key, out _);

    public bool Remove(object? key) => YaqlEquality.IsHashable(key) && _entries.Remove(key ?? _nullKey);

    public YaqlDict Copy(bool frozen)
    {
        var copy = new YaqlDict(frozen);
        foreach (var (key, value) in _entries)
        {
            copy._entries[key] = value;
        }

        return copy;
    }

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() =>
        _entries.Select(kv => new KeyValuePair<object?, object?>(ReferenceEquals(kv.Key, _nullKey) ? null : kv.Key, kv.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A yaql set (Python frozenset, or a dict's keys view): unique hashable items, first-seen order.</summary>
internal sealed class YaqlSet : IEnumerable<object?>
{
    private static readonly object _nullItem = new();
    private readonly OrderedDictionary<object, bool> _items = new(YaqlEquality.Instance);

    public YaqlSet(IEnumerable<object?> items)
    {
        foreach (var item in items)
        {
            _items.TryAdd(YaqlEquality.RequireHashable(item) ?? _nullItem, true);
        }
    }

    public int Count => _items.Count;

    public bool Contains(object? item) => YaqlEquality.IsHashable(item) && _items.ContainsKey(item ?? _nullItem);

    public IEnumerator<object?> GetEnumerator() => _items.Keys.Select(k => ReferenceEquals(k, _nullItem) ? null : k).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A lazy collection (a Python iterator or view): queries return these, so that <c>sequence().take(5)</c> works and
/// a limit counts only what is iterated. <see cref="IsIterator"/> is false for views (<c>values()</c>), which
/// <c>list()</c> does not unpack.
/// </summary>
internal class YaqlLazy(IEnumerable<object?> source, bool isIterator = true) : IEnumerable<object?>
{
    public bool IsIterator { get; } = isIterator;

    public virtual IEnumerator<object?> GetEnumerator() => source.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A dict's <c>keys()</c>, <c>values()</c> or <c>items()</c>: iterated in the dict's order; keys and items are sets for yaql.</summary>
internal sealed class YaqlView(IEnumerable<object?> source, bool isSet) : YaqlLazy(source, isIterator: false)
{
    public bool IsSet { get; } = isSet;
}

/// <summary>The result of <c>orderBy</c>: more keys can be added by <c>thenBy</c> before it is iterated.</summary>
internal sealed class YaqlOrdered(IEnumerable<object?> source, Func<object?, object?, int> compare) : YaqlLazy([])
{
    private readonly List<(Func<object?, object?> Selector, bool Ascending)> _keys = [];

    public YaqlOrdered With(Func<object?, object?> selector, bool ascending)
    {
        var copy = new YaqlOrdered(source, compare);
        copy._keys.AddRange(_keys);
        copy._keys.Add((selector, ascending));
        return copy;
    }

    public override IEnumerator<object?> GetEnumerator()
    {
        var items = source.Select(item => (Item: item, Keys: _keys.Select(k => k.Selector(item)).ToArray())).ToList();
        var sorted = items.OrderBy(x => x, Comparer<(object? Item, object?[] Keys)>.Create((a, b) =>
        {
            for (var i = 0; i < _keys.Count; i++)
            {
                var result = compare(a.Keys[i], b.Keys[i]);
                if (result != 0)
                {
                    return _keys[i].Ascending ? result : -result;
                }
            }

            return 0;
        }));
        return sorted.Select(x => x.Item).GetEnumerator();
    }
}

/// <summary>A <c>=&gt;</c> pair given to a function that takes rules (<c>dict</c>, map literals).</summary>
internal sealed record YaqlRule(object? Source, object? Destination);

/// <summary>The context that <c>let</c> and <c>with</c> return, for <c>-&gt;</c> to evaluate its right side in.</summary>
internal sealed class YaqlScope(YaqlScope? parent)
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public YaqlScope? Parent { get; } = parent;

    public object? this[string name]
    {
        set => _values[Normalize(name)] = value;
    }

    public object? Get(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._values.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static string Normalize(string name)
    {
        if (!name.StartsWith('$'))
        {
            name = "$" + name;
        }

        return name == "$" ? "$1" : name;
    }
}
