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
        var uploads = routes.MapGroup("/api/v1/runs/{id}/artifact-uploads").WithTags("Artifacts");
        uploads.MapPost("/", BeginDirect);
        uploads.MapPost("/{uploadId}/complete", CompleteDirect);
        uploads.MapDelete("/{uploadId}", AbortDirect);
    }

    /// <summary>Begins an upload the client sends straight to the object store, part by part, over the pre-signed URLs in the answer.</summary>
    private static async Task<Created<DirectUpload>> BeginDirect(string id, BeginUploadRequest body, ITrackingStore store, IArtifactStore artifacts, ServerOptions options, CancellationToken ct)
    {
        ArtifactPath.Parse(body.Path);
        await WritableRunAsync(id, store, ct);
        var upload = await DirectUploadRequests.BeginAsync(artifacts, body, options.MaxArtifactBytes, ct);
        return TypedResults.Created($"/api/v1/runs/{Uri.EscapeDataString(id)}/artifact-uploads/{Uri.EscapeDataString(upload.UploadId)}", upload);
    }

    /// <summary>Commits the parts sent and writes the staged file into place as an upload through the server is written, checked against the client's SHA-256 before it is committed there.</summary>
    private static async Task<Created<ArtifactInfo>> CompleteDirect(string id, string uploadId, CompleteUploadRequest body, ITrackingStore store, IArtifactStore artifacts,
        ServerOptions options, CancellationToken ct)
    {
        var path = ArtifactPath.Parse(body.Path);
        var run = await WritableRunAsync(id, store, ct);
        await using var content = await DirectUploadRequests.OpenCompletedAsync(artifacts, uploadId, body, options.MaxArtifactBytes, ct);
        var info = await artifacts.WriteAsync(RunArtifacts.RootOf(run.ArtifactUri), path, content, options.MaxArtifactBytes, ct);
        return TypedResults.Created(HeaderValues.Location($"/api/v1/runs/{Uri.EscapeDataString(id)}/artifacts", path.Segments), info);
    }

    private static async Task<NoContent> AbortDirect(string id, string uploadId, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct)
    {
        await store.GetRunAsync(new RunId(id), ct);
        await DirectUploadRequests.Of(artifacts).AbortAsync(uploadId, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The run, which must be active in an active experiment to take artifacts.</summary>
    private static async Task<Run> WritableRunAsync(string id, ITrackingStore store, CancellationToken ct)
    {
        var run = await store.GetRunAsync(new RunId(id), ct);
        if (run.LifecycleStage != LifecycleStage.Active)
        {
            throw Core.Errors.GyreException.Conflict($"run '{id}' is deleted: restore it before writing to it");
        }
        if ((await store.GetExperimentAsync(run.ExperimentId, ct)).LifecycleStage != LifecycleStage.Active)
        {
            throw Core.Errors.GyreException.Conflict($"the experiment of run '{id}' is deleted: restore it before writing to the run");
        }
        return run;
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
        var run = await WritableRunAsync(id, store, ct);
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
