using Gyre.Core.Artifacts;
using Gyre.Core.Tracking;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard;

/// <summary>
/// <c>GET /runs/{id}/artifact/{path}</c>: a run's artifact for the dashboard (signed in with its
/// cookie, as its pages are): images shown inline, anything else as a download. An artifact is a
/// user's file, so it is served in a sandbox: no script it holds can run as the dashboard.
/// </summary>
internal static class ArtifactContent
{
    /// <summary>The media type of an image the dashboard shows inline, by extension; null for anything else.</summary>
    public static string? ImageType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".svg" => "image/svg+xml",
        _ => null,
    };

    public static async Task Serve(string id, string path, HttpContext context, ITrackingStore tracking, IArtifactStore artifacts, CancellationToken ct)
    {
        var artifact = ArtifactPath.Parse(path);
        var run = await tracking.GetRunAsync(new RunId(id), ct);
        await using var stream = await artifacts.OpenReadAsync(RunArtifacts.RootOf(run.ArtifactUri), artifact, ct);
        var image = ImageType(artifact.Value);
        var download = context.Request.Query["download"] == "true" || image is null;
        context.Response.ContentType = download ? "application/octet-stream" : image!;
        if (download)
        {
            context.Response.Headers.ContentDisposition = HeaderValues.Attachment(artifact.Segments[^1]);
        }
        context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await stream.CopyToAsync(context.Response.Body, ct);
    }
}
