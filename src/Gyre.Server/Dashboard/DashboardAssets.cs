using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard;

/// <summary>
/// Serves the dashboard's stylesheet and script from the assembly's resources, with an ETag so a
/// browser asks again cheaply. They are the project's own files: nothing is built with Node.js.
/// </summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type, string ETag)> Files = new[] { ("gyre.css", "text/css"), ("gyre.js", "text/javascript"), ("gyre.svg", "image/svg+xml") }
        .ToFrozenDictionary(f => f.Item1, f => Load(f.Item1, f.Item2));

    public static IResult Serve(string file, HttpContext context)
    {
        if (!Files.TryGetValue(file, out var asset))
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        context.Response.Headers.ETag = asset.ETag;
        return TypedResults.Bytes(asset.Bytes, asset.Type + "; charset=utf-8");
    }

    private static (byte[], string, string) Load(string file, string type)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Gyre.Dashboard." + file)
            ?? throw new InvalidOperationException($"the dashboard asset {file} is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    }
}
