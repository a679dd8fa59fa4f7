namespace Hearth.Templates.Values;

/// <summary>
/// The result of a two-argument <c>if</c> whose condition is false (Heat's Ellipsis): the enclosing map entry or
/// list item is dropped, a property receiving it counts as not given, and at the top of a resolve it is null.
/// </summary>
public sealed class Omitted
{
    public static readonly Omitted Value = new();

    private Omitted()
    {
    }

    public override string ToString() => "<omitted>";
}

/// <summary>
/// A value known only after apply (an attribute of a resource not created yet) while a template is validated or
/// previewed. Functions given an unknown argument return unknown instead of failing.
/// </summary>
public sealed class Unknown
{
    public static readonly Unknown Value = new();

    private Unknown()
    {
    }

    public override string ToString() => "<known after apply>";
}
