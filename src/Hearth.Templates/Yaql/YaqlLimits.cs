namespace Hearth.Templates.Yaql;

/// <summary>
/// Heat's <c>[yaql]</c> settings: no collection (a query's input or the result) may iterate more than
/// <see cref="LimitIterators"/> items, and no intermediate result may take more than <see cref="MemoryQuota"/> bytes
/// as Python measures it. An operator may raise both (TripleO uses 10000 / 200000); a negative value turns a limit off.
/// </summary>
public sealed record YaqlLimits(int LimitIterators = 200, int MemoryQuota = 10000)
{
    /// <summary>Heat's defaults.</summary>
    public static YaqlLimits Heat { get; } = new();
}
