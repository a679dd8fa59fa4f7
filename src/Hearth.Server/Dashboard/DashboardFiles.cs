using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Hearth.Server.Dashboard;

/// <summary>The dashboard's files, embedded in the assembly (<c>Dashboard/wwwroot</c>): nothing to deploy beside the binary.</summary>
internal static class DashboardFiles
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Serve(string file)
    {
        var stream = ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType) && !file.Contains('/', StringComparison.Ordinal)
            ? typeof(DashboardFiles).Assembly.GetManifestResourceStream("Hearth.Server.Dashboard.wwwroot." + file)
            : null;
        return stream is null || contentType is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
