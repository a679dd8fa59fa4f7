namespace Hearth.Templates.Yaql;

/// <summary><c>mergeWith</c> (queries.py's _merge_dicts): maps merge deeply, lists by a distinct union, other values take the right one.</summary>
internal static partial class YaqlLibrary
{
    private static object? MergeWith(YaqlCallSite site)
    {
        var listMerger = site.Has(2) ? site.Lambda(2) : null;
        var itemMerger = site.Has(3) ? site.Lambda(3) : null;
        return Merge(site.Dict(0), site.Dict(1), site.IntOr(4, 0), listMerger, itemMerger);
    }

    private static YaqlDict Merge(YaqlDict left, YaqlDict right, long maxLevels, Func<object?[], object?>? listMerger, Func<object?[], object?>? itemMerger)
    {
        var result = new YaqlDict(frozen: false);
        foreach (var (key, value1) in left)
        {
            result.Set(key, value1);
            if (!right.TryGet(key, out var value2))
            {
                continue;
            }

            if (maxLevels != 1 && value2 is YaqlDict nested)
            {
                result.Set(key, value1 is YaqlDict d1
                    ? Merge(d1, nested, maxLevels == 0 ? 0 : maxLevels - 1, listMerger, itemMerger)
                    : throw Fail($"mergeWith(): cannot merge a {YaqlText.TypeName(value1)} with a map (key {YaqlText.PyRepr(key)})"));
            }
            else if (maxLevels != 1 && value2 is object?[] list2)
            {
                result.Set(key, value1 is object?[] list1
                    ? listMerger is null ? Distinct(list1.Concat(list2), null).ToArray() : listMerger([list1, list2])
                    : throw Fail($"mergeWith(): cannot merge a {YaqlText.TypeName(value1)} with a list (key {YaqlText.PyRepr(key)})"));
            }
            else
            {
                result.Set(key, itemMerger is null ? value2 : itemMerger([value1, value2]));
            }
        }

        foreach (var (key, value2) in right)
        {
            if (!result.ContainsKey(key))
            {
                result.Set(key, value2);
            }
        }

        return result;
    }
}

/// <summary>Python's set of seen values, for <c>distinct</c>.</summary>
internal sealed class YaqlSetBuilder
{
    private static readonly object _null = new();
    private readonly HashSet<object> _seen = new(YaqlEquality.Instance);

    public bool Add(object? value) => _seen.Add(YaqlEquality.RequireHashable(value) ?? _null);
}
