using System.Globalization;
using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/datasets/{name}/uploads</c>: a dataset file sent by the client straight to the object
/// store (as run artifacts are, <see cref="RunArtifactsApi"/>). On completion the server adds the
/// staged file as it adds a file sent to it (reading, checking and profiling it from the store,
/// which spares the client's link to the server), refusing it if its SHA-256 is not the client's,
/// and removes the staged copy; <c>gyre gc</c> removes one left by a crash.
/// </summary>
internal static class DatasetUploadsApi
{
    public static void Map(RouteGroupBuilder datasets)
    {
        datasets.MapPost("/{name}/uploads", Begin);
        datasets.MapPost("/{name}/uploads/{uploadId}/complete", Complete);
        datasets.MapDelete("/{name}/uploads/{uploadId}", Abort);
    }

    private static async Task<NoContent> Abort(string name, string uploadId, IArtifactStore artifacts, CancellationToken ct)
    {
        await DirectUploadRequests.Of(artifacts).AbortAsync(uploadId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<DirectUpload>> Begin(string name, BeginUploadRequest body, IArtifactStore artifacts, ServerOptions options, CancellationToken ct)
    {
        var upload = await DirectUploadRequests.BeginAsync(artifacts, body, options.MaxDatasetBytes, ct);
        return TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/uploads/{Uri.EscapeDataString(upload.UploadId)}", upload);
    }

    private static async Task<Results<Created<DatasetVersion>, Ok<DatasetVersion>>> Complete(
        string name, string uploadId, CompleteUploadRequest body, IArtifactStore artifacts, DatasetIngest ingest, ServerOptions options, CancellationToken ct,
        string? format = null, string? source = null, [FromQuery(Name = "on_bad_rows")] string? onBadRows = null)
    {
        var kind = format switch
        {
            "csv" => DatasetFormat.Csv,
            "parquet" => DatasetFormat.Parquet,
            _ => throw Core.Errors.GyreException.Invalid($"format: expected csv or parquet, got '{format}'"),
        };
        var reading = new ReadOptions(QueryValues.BadRowPolicy(onBadRows, "on_bad_rows"));
        await using var content = await DirectUploadRequests.OpenCompletedAsync(artifacts, uploadId, body, options.MaxDatasetBytes, ct);
        var (version, created) = await ingest.AddAsync(name, content, kind, source, options.MaxDatasetBytes, reading, ct);
        return created
            ? TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/versions/{version.Version.ToString(CultureInfo.InvariantCulture)}", version)
            : TypedResults.Ok(version);
    }
}
