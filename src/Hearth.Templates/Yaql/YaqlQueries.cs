namespace Hearth.Templates.Yaql;

/// <summary>yaql's queries (yaql/standard_library/queries.py): lazy where they are lazy in yaql.</summary>
internal static partial class YaqlLibrary
{
    private static YaqlLazy Lazy(IEnumerable<object?> items) => new(items);

    private static object? Aggregate(IEnumerable<object?> items, Func<object?, object?, object?> func, bool hasSeed, object? seed, string name)
    {
        using var e = items.GetEnumerator();
        object? acc;
        if (hasSeed)
        {
            acc = seed;
        }
        else if (e.MoveNext())
        {
            acc = e.Current;
        }
        else
        {
            throw Fail($"{name}() of an empty collection with no initial value");
        }

        while (e.MoveNext())
        {
            acc = func(acc, e.Current);
        }

        return acc;
    }

    private static void RegisterQueries(Registrar add)
    {
        Func<YaqlCallSite, object?> where = site =>
        {
            var items = site.Iterable(0);
            var predicate = site.Lambda1(1);
            return Lazy(items.Where(item => YaqlOperators.Truthy(predicate(item))));
        };
        add("where", M, ["collection", "predicate"], where);
        add("filter", M, ["collection", "predicate"], where);
        Func<YaqlCallSite, object?> select = site =>
        {
            var items = site.Iterable(0);
            var selector = site.Lambda1(1);
            return Lazy(items.Select(selector));
        };
        add("select", M, ["collection", "selector"], select);
        add("map", M, ["collection", "selector"], select);
        add("skip", M, ["collection", "count"], site => Lazy(site.Iterable(0).Skip((int)site.Int(1))));
        Func<YaqlCallSite, object?> take = site => Lazy(site.Iterable(0).Take((int)Math.Max(0, site.Int(1))));
        add("limit", M, ["collection", "count"], take);
        add("take", M, ["collection", "count"], take);
        add("append", B, ["collection"], site => Lazy(site.Iterable(0).Concat(site.Rest(1).ToArray())));
        add("distinct", B, ["collection", "keySelector"], site =>
        {
            var items = site.Iterable(0);
            var key = site.Has(1) ? site.Lambda1(1) : null;
            return Lazy(Distinct(items, key));
        });
        add("enumerate", B, ["collection", "start"], site =>
        {
            var start = site.IntOr(1, 0);
            return Lazy(site.Iterable(0).Select((item, i) => (object?)new object?[] { start + i, item }));
        });
        add("any", B, ["collection", "predicate"], site =>
        {
            var items = site.Iterable(0);
            var predicate = site.Has(1) ? site.Lambda1(1) : null;
            return items.Any(item => predicate is null || YaqlOperators.Truthy(predicate(item)));
        });
        add("all", B, ["collection", "predicate"], site =>
        {
            var items = site.Iterable(0);
            var predicate = site.Has(1) ? site.Lambda1(1) : (x => x);
            return items.All(item => YaqlOperators.Truthy(predicate(item)));
        });
        add("concat", B, [], site =>
        {
            var values = site.Rest(0).ToArray();
            if (!site.HasReceiver && values.All(v => v is string))
            {
                return string.Concat(values.Cast<string>());
            }

            return values.All(YaqlIterables.IsIterable)
                ? Lazy(values.SelectMany(v => YaqlIterables.Limit((IEnumerable<object?>)v!, site.Limits)))
                : throw site.NoMatch();
        });
        add("count", M, ["collection"], site => (long)site.Iterable(0).Count());
        add("memorize", M, ["collection"], site => site.Iterable(0).ToArray());
        add("sum", M, ["collection", "initial"], site =>
            Aggregate(site.Iterable(0), (a, b) => YaqlOperators.Binary("+", a, b), site.Has(1), site.ValueOr(1, null), "sum"));
        add("max", B, ["a", "b"], site => MinMax(site, max: true));
        add("min", B, ["a", "b"], site => MinMax(site, max: false));
        add("first", M, ["collection", "default"], site =>
        {
            foreach (var item in site.Iterable(0))
            {
                return item;
            }

            return site.Has(1) ? site.Value(1) : throw Fail("first() of an empty collection (give a default: first(null))");
        });
        add("single", M, ["collection"], site =>
        {
            var items = site.Iterable(0).Take(2).ToArray();
            return items.Length == 1 ? items[0] : throw Fail($"single() of a collection with {(items.Length == 0 ? "no" : "more than one")} item");
        });
        add("last", M, ["collection", "default"], site =>
        {
            var items = site.Iterable(0).ToArray();
            return items.Length > 0 ? items[^1] : site.Has(1) ? site.Value(1) : throw Fail("last() of an empty collection (give a default: last(null))");
        });
        add("selectMany", M, ["collection", "selector"], site =>
        {
            var items = site.Iterable(0);
            var selector = site.Lambda1(1);
            return Lazy(items.SelectMany(item => selector(item) is var inner && YaqlIterables.IsIterable(inner)
                ? (IEnumerable<object?>)inner!
                : [inner]));
        });
        add("range", F, ["start", "stop", "step"], site =>
        {
            var (start, stop, step) = site.Count == 1 ? (0, site.Int(0), 1) : (site.Int(0), site.Int(1), site.IntOr(2, 1));
            return step == 0 ? throw Fail("range() step must not be zero") : Lazy(Range(start, stop, step));
        });
        add("sequence", F, ["start", "step"], site => Lazy(Range(site.IntOr(0, 0), long.MaxValue, site.IntOr(1, 1))));
        add("orderBy", M, ["collection", "selector"], site => new YaqlOrdered(site.Iterable(0), YaqlEquality.Compare).With(site.Lambda1(1), true));
        add("orderByDescending", M, ["collection", "selector"], site => new YaqlOrdered(site.Iterable(0), YaqlEquality.Compare).With(site.Lambda1(1), false));
        add("thenBy", M, ["collection", "selector"], site => (site.Value(0) as YaqlOrdered ?? throw site.NoMatch()).With(site.Lambda1(1), true));
        add("thenByDescending", M, ["collection", "selector"], site => (site.Value(0) as YaqlOrdered ?? throw site.NoMatch()).With(site.Lambda1(1), false));
        add("groupBy", M, ["collection", "keySelector", "valueSelector", "aggregator"], GroupBy);
        add("zip", M, [], site =>
        {
            var lists = site.Rest(0).Select((_, i) => site.Iterable(i).ToArray()).ToArray();
            var length = lists.Min(l => l.Length);
            return Lazy(Enumerable.Range(0, length).Select(i => (object?)lists.Select(l => l[i]).ToArray()));
        });
        add("zipLongest", M, ["default"], site =>
        {
            var extra = site.ExtraNamed();
            var fill = extra.TryGetValue("default", out var d) ? d : null;
            var lists = Enumerable.Range(0, site.Count).Select(i => site.Iterable(i).ToArray()).ToArray();
            var length = lists.Max(l => l.Length);
            return Lazy(Enumerable.Range(0, length).Select(i => (object?)lists.Select(l => i < l.Length ? l[i] : fill).ToArray()));
        }, anyKwargs: true);
        add("join", M, ["collection1", "collection2", "predicate", "selector"], site =>
        {
            if (site.Count == 2)
            {
                return StringJoin(site);
            }

            var left = site.Iterable(0);
            var right = site.Iterable(1).ToArray();
            var predicate = site.Lambda(2);
            var selector = site.Lambda(3);
            return Lazy(left.SelectMany(a => right.Where(b => YaqlOperators.Truthy(predicate([a, b]))).Select(b => selector([a, b]))));
        });
        add("repeat", M, ["value", "times"], site =>
        {
            var value = site.Value(0);
            var times = site.IntOr(1, -1);
            return Lazy(times < 0 ? Forever(value) : Enumerable.Repeat(value, (int)times));
        });
        add("cycle", M, ["collection"], site =>
        {
            var items = site.Iterable(0).ToArray();
            return Lazy(items.Length == 0 ? [] : Forever(0).SelectMany(_ => items));
        });
        add("takeWhile", M, ["collection", "predicate"], site =>
        {
            var predicate = site.Lambda1(1);
            return Lazy(site.Iterable(0).TakeWhile(item => YaqlOperators.Truthy(predicate(item))));
        });
        add("skipWhile", M, ["collection", "predicate"], site =>
        {
            var predicate = site.Lambda1(1);
            return Lazy(site.Iterable(0).SkipWhile(item => YaqlOperators.Truthy(predicate(item))));
        });
        add("indexOf", M, ["collection", "item", "start", "length"], site => site.Value(0) is string
            ? StringIndexOf(site, last: false)
            : (long)IndexWhere(site.Iterable(0), item => YaqlEquality.Equals(item, site.Value(1)), last: false));
        add("lastIndexOf", M, ["collection", "item", "start", "length"], site => site.Value(0) is string
            ? StringIndexOf(site, last: true)
            : (long)IndexWhere(site.Iterable(0), item => YaqlEquality.Equals(item, site.Value(1)), last: true));
        add("indexWhere", M, ["collection", "predicate"], site =>
        {
            var predicate = site.Lambda1(1);
            return (long)IndexWhere(site.Iterable(0), item => YaqlOperators.Truthy(predicate(item)), last: false);
        });
        add("lastIndexWhere", M, ["collection", "predicate"], site =>
        {
            var predicate = site.Lambda1(1);
            return (long)IndexWhere(site.Iterable(0), item => YaqlOperators.Truthy(predicate(item)), last: true);
        });
        add("slice", M, ["collection", "length"], site =>
        {
            var length = (int)site.Int(1);
            return Lazy(site.Iterable(0).Chunk(Math.Max(1, length)).Select(chunk => (object?)chunk));
        });
        add("splitAt", M, ["collection", "index"], site =>
        {
            var items = site.Iterable(0).ToArray();
            var index = (int)Math.Clamp(site.Int(1) < 0 ? site.Int(1) + items.Length : site.Int(1), 0, items.Length);
            return new object?[] { items[..index], items[index..] };
        });
        Func<YaqlCallSite, object?> aggregate = site =>
        {
            var selector = site.Lambda(1);
            return Aggregate(site.Iterable(0), (a, b) => selector([a, b]), site.Has(2), site.ValueOr(2, null), site.Function.Name);
        };
        add("aggregate", M, ["collection", "selector", "seed"], aggregate);
        add("reduce", M, ["collection", "selector", "seed"], aggregate);
        add("accumulate", M, ["collection", "selector", "seed"], site =>
        {
            var selector = site.Lambda(1);
            return Lazy(Accumulate(site.Iterable(0), (a, b) => selector([a, b]), site.Has(2), site.ValueOr(2, null)));
        });
        add("reverse", M, ["collection"], site => Lazy(site.Iterable(0).Reverse().ToArray()));
        add("mergeWith", M, ["dict", "another", "listMerger", "itemMerger", "maxLevels"], MergeWith);
        add("isIterable", F, ["value"], site => YaqlIterables.IsIterable(site.Value(0)));
        add("defaultIfEmpty", M, ["collection", "default"], site =>
        {
            var items = site.Iterable(0).ToArray();
            return items.Length == 0 ? site.Value(1) : items;
        });
        add("generate", F, ["initial", "predicate", "producer", "selector", "decycle"], site =>
        {
            var predicate = site.Lambda1(1);
            var producer = site.Lambda1(2);
            var selector = site.Has(3) ? site.Lambda1(3) : (x => x);
            return Lazy(Generate(site.Value(0), predicate, producer, selector));
        });
    }

    private static IEnumerable<object?> Generate(object? value, Func<object?, object?> predicate, Func<object?, object?> producer, Func<object?, object?> selector)
    {
        while (YaqlOperators.Truthy(predicate(value)))
        {
            yield return selector(value);
            value = producer(value);
        }
    }

    private static IEnumerable<object?> Distinct(IEnumerable<object?> items, Func<object?, object?>? key)
    {
        var seen = new YaqlSetBuilder();
        foreach (var item in items)
        {
            if (seen.Add(key is null ? item : key(item)))
            {
                yield return item;
            }
        }
    }

    private static IEnumerable<object?> Range(long start, long stop, long step)
    {
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            yield return i;
        }
    }

    private static IEnumerable<object?> Forever(object? value)
    {
        while (true)
        {
            yield return value;
        }
    }

    private static IEnumerable<object?> Accumulate(IEnumerable<object?> items, Func<object?, object?, object?> func, bool hasSeed, object? seed)
    {
        using var e = items.GetEnumerator();
        if (!hasSeed)
        {
            if (!e.MoveNext())
            {
                throw Fail("accumulate() of an empty collection with no initial value");
            }

            seed = e.Current;
        }

        yield return seed;
        while (e.MoveNext())
        {
            seed = func(seed, e.Current);
            yield return seed;
        }
    }

    private static int IndexWhere(IEnumerable<object?> items, Func<object?, bool> predicate, bool last)
    {
        var found = -1;
        var i = 0;
        foreach (var item in items)
        {
            if (predicate(item))
            {
                found = i;
                if (!last)
                {
                    return found;
                }
            }

            i++;
        }

        return found;
    }

    private static object? MinMax(YaqlCallSite site, bool max)
    {
        Func<object?, object?, object?> pick = (a, b) =>
            YaqlEquality.Compare(b, a) > 0 ? (max ? b : a) : (max ? a : b);
        if (site.HasReceiver)
        {
            return Aggregate(site.Iterable(0), pick, site.Has(1), site.ValueOr(1, null), max ? "max" : "min");
        }

        if (site.Count != 2)
        {
            throw site.NoMatch();
        }

        return pick(site.Value(0), site.Value(1));
    }

    private static object? GroupBy(YaqlCallSite site)
    {
        var keySelector = site.Lambda1(1);
        var valueSelector = site.Has(2) ? site.Lambda1(2) : (x => x);
        var groups = new YaqlDict(frozen: false);
        foreach (var item in site.Iterable(0))
        {
            var key = keySelector(item);
            if (!groups.TryGet(key, out var list))
            {
                list = new List<object?>();
                groups.Set(key, list);
            }

            ((List<object?>)list!).Add(valueSelector(item));
        }

        var pairs = groups.Select(kv => (Key: kv.Key, Values: ((List<object?>)kv.Value!).ToArray())).ToArray();
        if (!site.Has(3))
        {
            return Lazy(pairs.Select(p => (object?)new object?[] { p.Key, p.Values }));
        }

        var aggregator = site.Lambda1(3);
        return Lazy(pairs.Select(p =>
        {
            try
            {
                return (object?)new object?[] { p.Key, aggregator(p.Values) };
            }
            catch (YaqlEvaluationException)
            {
                // yaql 1.1 passed the (key, values) pair to the aggregator; Heat's yaql falls back to that.
                var old = aggregator(new object?[] { p.Key, p.Values });
                if (old is object?[] { Length: 2 })
                {
                    return old;
                }

                throw;
            }
        }));
    }
}
