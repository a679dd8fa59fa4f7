namespace Hearth.State;

/// <summary>
/// One page of a stack's events, as Heat's event list asks for one (<c>limit</c>, <c>marker</c>, <c>sort_dir</c>,
/// <c>nested_depth</c>, a resource's events): in sequence order, newest first when <paramref name="Descending"/>.
/// </summary>
/// <param name="StackId">The stack.</param>
/// <param name="NestedDepth">Also its nested stacks' events, this many levels down (0: the stack's own).</param>
/// <param name="ResourceName">Only the events of resources of this name.</param>
/// <param name="Marker">
/// An event id: the page starts after that event in the order. As in Heat, a marker that names no event is ignored (the
/// page starts at the beginning), and a marker of another stack's event starts after its place in the order.
/// </param>
/// <param name="Descending">Newest first.</param>
/// <param name="Limit">The most events on the page; null for all of them.</param>
public sealed record EventPageQuery(
    string StackId,
    int NestedDepth = 0,
    string? ResourceName = null,
    string? Marker = null,
    bool Descending = false,
    int? Limit = null);
