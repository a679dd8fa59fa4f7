namespace Hearth.Templates.Yaql;

/// <summary>yaql's collections (yaql/standard_library/collections.py): lists, maps and sets.</summary>
internal static partial class YaqlLibrary
{
    private static IEnumerable<object?> UnpackIterators(IEnumerable<object?> values)
    {
        foreach (var value in values)
        {
            if (value is YaqlLazy { IsIterator: true } inner)
            {
                foreach (var item in UnpackIterators(inner))
                {
                    yield return item;
                }
            }
            else
            {
                yield return value;
            }
        }
    }

    private static IEnumerable<object?> Flatten(IEnumerable<object?> items)
    {
        foreach (var item in items)
        {
            if (YaqlIterables.IsIterable(item))
            {
                foreach (var inner in Flatten((IEnumerable<object?>)item!))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return item;
            }
        }
    }

    private static void RegisterCollections(Registrar add)
    {
        add("list", F, [], site => YaqlIterables.Limit(UnpackIterators(site.Rest(0)), site.Limits).ToArray());
        add("flatten", M, ["collection"], site => Lazy(Flatten(site.Iterable(0))));
        add("toList", M, ["collection"], site => site.Iterable(0).ToArray());
        add("dict", F, [], site =>
        {
            var dict = new YaqlDict();
            if (site.Count > 0 && Enumerable.Range(0, site.Count).All(i => site.Node(i) is YaqlMappingRule))
            {
                for (var i = 0; i < site.Count; i++)
                {
                    var rule = (YaqlMappingRule)site.Node(i)!;
                    dict.Set(site.EvalIn(rule.Source, site.NewScope()), site.EvalIn(rule.Destination, site.NewScope()));
                }

                return dict;
            }

            if (site.Count == 0)
            {
                return dict;
            }

            if (site.Count != 1)
            {
                throw site.NoMatch();
            }

            foreach (var pair in site.Iterable(0))
            {
                var parts = YaqlIterables.IsIterable(pair) ? ((IEnumerable<object?>)pair!).Take(2).ToArray() : throw Fail($"dict(): each item must be a [key, value] pair, not a {YaqlText.TypeName(pair)}");
                dict.Set(parts.Length > 0 ? parts[0] : throw Fail("dict(): an empty pair"), parts.Length > 1 ? parts[1] : throw Fail("dict(): a pair without a value"));
            }

            return dict;
        }, noKwargs: true);
        add("toDict", M, ["collection", "keySelector", "valueSelector"], site =>
        {
            var key = site.Lambda1(1);
            var value = site.Has(2) ? site.Lambda1(2) : (x => x);
            var dict = new YaqlDict(frozen: false);
            foreach (var item in site.Iterable(0))
            {
                dict.Set(key(item), value(item));
            }

            return dict;
        });
        add("get", M, ["dict", "key", "default"], site => site.Dict(0).TryGet(site.Value(1), out var value) ? value : site.ValueOr(2, null));
        add("set", B, [], site =>
        {
            if (!site.HasReceiver)
            {
                return new YaqlSet(UnpackIterators(site.Rest(0)));
            }

            var copy = site.Dict(0).Copy(frozen: true);
            if (site.Count == 3 && site.Node(1) is not YaqlMappingRule)
            {
                copy.Set(site.Value(1), site.Value(2));
                return copy;
            }

            for (var i = 1; i < site.Count; i++)
            {
                if (site.Node(i) is YaqlMappingRule rule)
                {
                    copy.Set(site.EvalIn(rule.Source, site.NewScope()), site.EvalIn(rule.Destination, site.NewScope()));
                }
                else
                {
                    foreach (var (key, value) in site.Dict(i))
                    {
                        copy.Set(key, value);
                    }
                }
            }

            return copy;
        }, noKwargs: true);
        add("keys", M, ["dict"], site => new YaqlView(site.Dict(0).Keys, isSet: true));
        add("values", M, ["dict"], site => new YaqlView(site.Dict(0).Values, isSet: false));
        add("items", M, ["dict"], site => new YaqlView(site.Dict(0).Select(kv => (object?)new[] { kv.Key, kv.Value }), isSet: true));
        add("contains", M, ["collection", "value"], site =>
        {
            var value = site.Value(1);
            return site.Value(0) is YaqlSet set ? set.Contains(value) : site.Iterable(0).Any(item => YaqlEquality.Equals(item, value));
        });
        add("containsKey", M, ["dict", "key"], site => site.Dict(0).ContainsKey(site.Value(1)));
        add("containsValue", M, ["dict", "value"], site => site.Dict(0).Values.Any(v => YaqlEquality.Equals(v, site.Value(1))));
        add("isList", F, ["arg"], site => site.Value(0) is object?[]);
        add("isDict", F, ["arg"], site => site.Value(0) is YaqlDict);
        add("isSet", F, ["arg"], site => site.Value(0) is YaqlSet or YaqlView { IsSet: true });
        add("len", B, ["collection"], site => site.Value(0) switch
        {
            string s => (long)s.Length,
            YaqlDict d => (long)d.Count,
            object?[] items => (long)items.Length,
            YaqlSet set => (long)set.Count,
            YaqlLazy lazy => (long)YaqlIterables.Limit(lazy, site.Limits).Count(),
            _ => throw site.NoMatch(),
        });
        add("delete", M, ["collection", "position", "count"], site =>
        {
            if (site.Value(0) is YaqlDict dict)
            {
                var copy = dict.Copy(frozen: false);
                foreach (var key in site.Rest(1))
                {
                    copy.Remove(key);
                }

                return copy;
            }

            var position = site.Int(1);
            var count = site.IntOr(2, 1);
            return Lazy(site.Iterable(0).Where((_, i) => count >= 0 ? !(position <= i && i < position + count) : i < position));
        });
        add("deleteAll", M, ["dict", "keys"], site =>
        {
            var copy = site.Dict(0).Copy(frozen: false);
            foreach (var key in site.Iterable(1))
            {
                copy.Remove(key);
            }

            return copy;
        });
        add("replace", M, ["collection", "position", "value", "count"], site => site.Value(0) switch
        {
            string => StringReplace(site),
            System.Text.RegularExpressions.Regex => RegexReplace(site, (System.Text.RegularExpressions.Regex)site.Value(0)!, site.String(1)),
            _ => ReplaceItems(site),
        });
        add("insert", M, ["collection", "position", "value"], site =>
        {
            var position = site.Int(1);
            var value = site.Value(2);
            if (site.Value(0) is object?[] items)
            {
                var copy = items.ToList();
                var at = (int)Math.Clamp(position < 0 ? position + copy.Count : position, 0, copy.Count);
                copy.Insert(at, value);
                return copy.ToArray();
            }

            return Lazy(InsertLazy(site.Iterable(0), position, value));
        });
        add("insertMany", M, ["collection", "position", "values"], site =>
        {
            var items = site.Iterable(0).ToList();
            var at = (int)Math.Clamp(site.Int(1), 0, items.Count);
            items.InsertRange(at, site.Iterable(2));
            return Lazy(items);
        });
        add("toSet", M, ["collection"], site => new YaqlSet(site.Iterable(0)));
        add("union", M, ["left", "right"], site => new YaqlSet(Set(site, 0).Concat(Set(site, 1))));
        add("intersect", M, ["left", "right"], site =>
        {
            var right = Set(site, 1);
            return new YaqlSet(Set(site, 0).Where(right.Contains));
        });
        add("difference", M, ["left", "right"], site =>
        {
            var right = Set(site, 1);
            return new YaqlSet(Set(site, 0).Where(x => !right.Contains(x)));
        });
        add("symmetricDifference", M, ["left", "right"], site =>
        {
            var (left, right) = (Set(site, 0), Set(site, 1));
            return new YaqlSet(left.Where(x => !right.Contains(x)).Concat(right.Where(x => !left.Contains(x))));
        });
        add("add", M, ["set"], site => new YaqlSet(Set(site, 0).Concat(site.Rest(1))));
        add("remove", M, ["set"], site =>
        {
            var removed = new YaqlSet(site.Rest(1));
            return new YaqlSet(Set(site, 0).Where(x => !removed.Contains(x)));
        });
    }

    private static YaqlSet Set(YaqlCallSite site, int index) => site.Value(index) switch
    {
        YaqlSet set => set,
        YaqlView { IsSet: true } view => new YaqlSet(view),
        _ => throw site.NoMatch(),
    };

    private static IEnumerable<object?> InsertLazy(IEnumerable<object?> items, long position, object? value)
    {
        var i = -1L;
        foreach (var item in items)
        {
            i++;
            if (i == position)
            {
                yield return value;
            }

            yield return item;
        }

        if (position > i)
        {
            yield return value;
        }
    }

    private static YaqlLazy ReplaceItems(YaqlCallSite site)
    {
        var position = site.Int(1);
        var value = site.Value(2);
        var count = site.IntOr(3, 1);
        return Lazy(ReplaceLazy(site.Iterable(0), position, value, count));
    }

    private static IEnumerable<object?> ReplaceLazy(IEnumerable<object?> items, long position, object? value, long count)
    {
        var i = 0L;
        foreach (var item in items)
        {
            var inRange = count >= 0 ? position <= i && i < position + count : i >= position;
            if (!inRange)
            {
                yield return item;
            }
            else if (i == position)
            {
                yield return value;
            }

            i++;
        }
    }
}
