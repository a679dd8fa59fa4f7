namespace Hearth.Templates.Yaql;

/// <summary>Heat's limit on iteration (<c>limit_iterators</c>), applied where yaql applies it: to every collection argument and the result.</summary>
internal static class YaqlIterables
{
    public static YaqlEvaluationException TooLarge(YaqlLimits limits) =>
        new($"a collection is longer than the yaql iteration limit of {limits.LimitIterators} items ([yaql] limit_iterators)");

    public static IEnumerable<object?> Limit(IEnumerable<object?> sequence, YaqlLimits limits)
    {
        var max = limits.LimitIterators;
        if (max < 0)
        {
            return sequence;
        }

        switch (sequence)
        {
            case object?[] array:
                return array.Length > max ? throw TooLarge(limits) : array;
            case YaqlSet set:
                return set.Count > max ? throw TooLarge(limits) : set;
            default:
                return Counted(sequence, max, limits);
        }
    }

    private static IEnumerable<object?> Counted(IEnumerable<object?> sequence, int max, YaqlLimits limits)
    {
        var count = 0;
        foreach (var item in sequence)
        {
            if (count++ >= max)
            {
                throw TooLarge(limits);
            }

            yield return item;
        }
    }

    /// <summary>A Python iterable for yaql: lists, sets and lazy sequences (not strings, not maps).</summary>
    public static bool IsIterable(object? value) => value is object?[] or YaqlSet or YaqlLazy;
}
