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
        var path = ArtifactPath.Parse(body.Path);
        var size = body.Size ?? throw Core.Errors.GyreException.Invalid("size: required, the file's size in bytes");
        if (size < 0)
        {
            throw Core.Errors.GyreException.Invalid($"size: expected 0 or more bytes, got {size}");
        }
        if (size > options.MaxArtifactBytes)
        {
            throw new Core.Errors.GyreException(Core.Errors.ErrorCode.PayloadTooLarge, $"size: the artifact is larger than the limit of {options.MaxArtifactBytes} bytes");
        }
        var run = await WritableRunAsync(id, store, ct);
        var upload = await Direct(artifacts).BeginAsync(RunArtifacts.RootOf(run.ArtifactUri), path, size, ct);
        return TypedResults.Created($"/api/v1/runs/{Uri.EscapeDataString(id)}/artifact-uploads/{Uri.EscapeDataString(upload.UploadId)}", upload);
    }

    /// <summary>Commits the parts sent, reads the object back to check the client's SHA-256, and records it.</summary>
    private static async Task<Created<ArtifactInfo>> CompleteDirect(string id, string uploadId, CompleteUploadRequest body, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct)
    {
        var path = ArtifactPath.Parse(body.Path);
        var run = await WritableRunAsync(id, store, ct);
        var info = await CompleteDirectAsync(artifacts, RunArtifacts.RootOf(run.ArtifactUri), path, uploadId, body, ct);
        return TypedResults.Created(HeaderValues.Location($"/api/v1/runs/{Uri.EscapeDataString(id)}/artifacts", path.Segments), info);
    }

    /// <summary>Checks a completion's digest and parts, then completes the upload.</summary>
    public static Task<ArtifactInfo> CompleteDirectAsync(IArtifactStore artifacts, string root, ArtifactPath path, string uploadId, CompleteUploadRequest body, CancellationToken ct)
    {
        var sha256 = body.Sha256 is { Length: 64 } hex && hex.All(char.IsAsciiHexDigitLower) ? hex
            : throw Core.Errors.GyreException.Invalid($"sha256: expected the file's SHA-256 as 64 lower-case hex digits, got '{body.Sha256}'");
        var parts = body.Parts is { Count: > 0 } given ? given : throw Core.Errors.GyreException.Invalid("parts: expected the parts sent, each with its number (and the ETag the store answered)");
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Number != i + 1)
            {
                throw Core.Errors.GyreException.Invalid($"parts[{i}].number: expected {i + 1} (every part, in order, from 1), got {parts[i].Number}");
            }
        }
        return Direct(artifacts).CompleteAsync(root, path, uploadId, parts, sha256, ct);
    }

    private static async Task<NoContent> AbortDirect(string id, string uploadId, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct, string? path = null)
    {
        var artifactPath = ArtifactPath.Parse(path);
        var run = await store.GetRunAsync(new RunId(id), ct);
        await Direct(artifacts).AbortAsync(RunArtifacts.RootOf(run.ArtifactUri), artifactPath, uploadId, ct);
        return TypedResults.NoContent();
    }

    public static IDirectUploads Direct(IArtifactStore artifacts) => artifacts as IDirectUploads
        ?? throw new Core.Errors.GyreException(Core.Errors.ErrorCode.NotImplemented,
            "direct upload: this server keeps its files on its own disk, so there is no store to send to directly; send the file to the server itself");

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
