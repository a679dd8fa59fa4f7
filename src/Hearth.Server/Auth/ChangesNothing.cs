using Microsoft.AspNetCore.Builder;

namespace Hearth.Server.Auth;

/// <summary>
/// Marks a route that a read-only token may call although its method is not GET: one that computes an answer from a
/// body and changes nothing (Heat's previews, which are POST, PUT and PATCH).
/// </summary>
internal sealed class ChangesNothing
{
    public static readonly ChangesNothing Instance = new();

    private ChangesNothing()
    {
    }
}

internal static class ChangesNothingExtensions
{
    public static TBuilder ChangesNothing<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Auth.ChangesNothing.Instance);
}
