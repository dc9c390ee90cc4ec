using Gyre.Core.Api;
using Gyre.Core.Artifacts;
using Gyre.Core.Tracking;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/runs/{id}/artifacts</c>: streamed upload (PUT), download (GET, with ranges) and listing.
/// Every path is checked by <see cref="ArtifactPath"/> before any byte is written.
/// </summary>
internal static class RunArtifactsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/runs/{id}/artifacts").WithTags("Artifacts");
        group.MapGet("/", List);
        // Any Content-Type: an artifact is bytes, whatever the client calls them.
        group.MapPut("/{**path}", Upload);
        group.MapGet("/{**path}", Download);
    }

    private static async Task<Ok<ArtifactListing>> List(string id, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct, string? path = null)
    {
        var directory = ArtifactPath.Parse(path, "path", allowEmpty: true);
        var run = await store.GetRunAsync(new RunId(id), ct);
        var files = await artifacts.ListAsync(RunArtifacts.RootOf(run.ArtifactUri), directory, ct);
        return TypedResults.Ok(new ArtifactListing(run.ArtifactUri, files));
    }

    private static async Task<Created<ArtifactInfo>> Upload(string id, string path, HttpContext context, ITrackingStore store, IArtifactStore artifacts, ServerOptions options, CancellationToken ct)
    {
        var artifactPath = ArtifactPath.Parse(path);
        BodyLimit.Apply(context, options.MaxArtifactBytes);
        var run = await store.GetRunAsync(new RunId(id), ct);
        if (run.LifecycleStage != LifecycleStage.Active)
        {
            throw Core.Errors.GyreException.Conflict($"run '{id}' is deleted: restore it before writing to it");
        }
        if ((await store.GetExperimentAsync(run.ExperimentId, ct)).LifecycleStage != LifecycleStage.Active)
        {
            throw Core.Errors.GyreException.Conflict($"the experiment of run '{id}' is deleted: restore it before writing to the run");
        }
        var info = await artifacts.WriteAsync(RunArtifacts.RootOf(run.ArtifactUri), artifactPath, context.Request.Body, options.MaxArtifactBytes, ct);
        return TypedResults.Created(HeaderValues.Location($"/api/v1/runs/{Uri.EscapeDataString(id)}/artifacts", artifactPath.Segments), info);
    }

    /// <summary>A download with its length and entity tag; <c>Range</c>, <c>If-Range</c>, <c>If-None-Match</c> and <c>If-Modified-Since</c> are answered as a file server answers them.</summary>
    private static async Task<FileStreamHttpResult> Download(string id, string path, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct)
    {
        var artifactPath = ArtifactPath.Parse(path);
        var run = await store.GetRunAsync(new RunId(id), ct);
        var download = await artifacts.OpenDownloadAsync(RunArtifacts.RootOf(run.ArtifactUri), artifactPath, ct);
        return TypedResults.Stream(download.Content, "application/octet-stream", fileDownloadName: artifactPath.Segments[^1],
            lastModified: download.LastModified, entityTag: EntityTagHeaderValue.Parse(download.ETag), enableRangeProcessing: true);
    }
}
