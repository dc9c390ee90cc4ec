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
/// store (as run artifacts are, <see cref="RunArtifactsApi"/>), staged under <c>uploads/datasets/ID</c>.
/// On completion the server checks the client's SHA-256, then adds the staged file as it adds a
/// file sent to it (reading, checking and profiling it from the store, which spares the client's
/// link to the server), and removes the staged copy; <c>gyre gc</c> removes one left by a crash.
/// </summary>
internal static class DatasetUploadsApi
{
    /// <summary>The artifact-store root of staged dataset files.</summary>
    public const string Root = "uploads";

    public static void Map(RouteGroupBuilder datasets)
    {
        datasets.MapPost("/{name}/uploads", Begin);
        datasets.MapPost("/{name}/uploads/{uploadId}/complete", Complete);
    }

    private static async Task<Created<DirectUpload>> Begin(string name, BeginUploadRequest body, IArtifactStore artifacts, ServerOptions options, CancellationToken ct)
    {
        var size = body.Size ?? throw Core.Errors.GyreException.Invalid("size: required, the file's size in bytes");
        if (size < 0)
        {
            throw Core.Errors.GyreException.Invalid($"size: expected 0 or more bytes, got {size}");
        }
        if (size > options.MaxDatasetBytes)
        {
            throw new Core.Errors.GyreException(Core.Errors.ErrorCode.PayloadTooLarge, $"size: the file is larger than the limit of {options.MaxDatasetBytes} bytes");
        }
        var staging = Guid.NewGuid().ToString("N");
        var upload = await RunArtifactsApi.Direct(artifacts).BeginAsync(Root, StagedPath(staging), size, ct);
        // The id names the staged file too, so that completing needs nothing the server kept.
        var id = $"{staging}.{upload.UploadId}";
        return TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/uploads/{Uri.EscapeDataString(id)}", upload with { UploadId = id });
    }

    private static async Task<Results<Created<DatasetVersion>, Ok<DatasetVersion>>> Complete(
        string name, string uploadId, CompleteUploadRequest body, IArtifactStore artifacts, DatasetIngest ingest, ServerOptions options, CancellationToken ct,
        string? format = null, string? source = null, [FromQuery(Name = "on_bad_rows")] string? onBadRows = null)
    {
        var dot = uploadId.IndexOf('.', StringComparison.Ordinal);
        var staging = dot == 32 && uploadId[..dot].All(char.IsAsciiHexDigitLower) ? uploadId[..dot]
            : throw Core.Errors.GyreException.Invalid($"upload_id: '{uploadId}' is not an id this server gave");
        var kind = format switch
        {
            "csv" => DatasetFormat.Csv,
            "parquet" => DatasetFormat.Parquet,
            _ => throw Core.Errors.GyreException.Invalid($"format: expected csv or parquet, got '{format}'"),
        };
        var reading = new ReadOptions(QueryValues.BadRowPolicy(onBadRows, "on_bad_rows"));
        var path = StagedPath(staging);
        try
        {
            await RunArtifactsApi.CompleteDirectAsync(artifacts, Root, path, uploadId[(dot + 1)..], body, ct);
            await using var staged = await artifacts.OpenReadAsync(Root, path, ct);
            var (version, created) = await ingest.AddAsync(name, staged, kind, source, options.MaxDatasetBytes, reading, ct);
            return created
                ? TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/versions/{version.Version.ToString(CultureInfo.InvariantCulture)}", version)
                : TypedResults.Ok(version);
        }
        finally
        {
            await artifacts.DeleteAsync(Root, path, CancellationToken.None);
        }
    }

    private static ArtifactPath StagedPath(string staging) => ArtifactPath.Parse($"datasets/{staging}");
}
