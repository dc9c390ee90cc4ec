namespace Gyre.Core.Artifacts;

/// <summary>
/// Uploads that go from the client straight to an object store, part by part over pre-signed URLs
/// (S3 multipart part URLs, Azure block URLs under a SAS), so that a large file never passes through
/// the link between the client and the server. The parts go to a staging place of the upload's own;
/// the URLs grant nothing else. On completion the server commits them and reads the staged content,
/// checked against the client's SHA-256 and the size limit as it is read, into its final place (an
/// artifact, a dataset version); the staged copy is then removed. An artifact store that keeps files
/// on the server's disk does not offer them.
/// </summary>
public interface IDirectUploads
{
    /// <summary>Begins an upload of <paramref name="size"/> bytes: its id, and each part's place in the file with the URL to PUT it to.</summary>
    Task<DirectUpload> BeginAsync(long size, CancellationToken ct);

    /// <summary>
    /// Commits the parts and opens the staged content for reading. Past <paramref name="maxBytes"/> it
    /// is payload_too_large; at its end, a SHA-256 other than <paramref name="sha256"/> (hex) is
    /// invalid_argument, raised before whoever reads it has finished, so nothing is written from it.
    /// Disposing the stream removes the staged content.
    /// </summary>
    Task<Stream> OpenCompletedAsync(string uploadId, IReadOnlyList<UploadedPart> parts, string sha256, long maxBytes, CancellationToken ct);

    /// <summary>Gives up an upload's parts.</summary>
    Task AbortAsync(string uploadId, CancellationToken ct);
}

/// <summary>An upload begun: its id, and each part's place in the file and the URL to PUT its bytes to, valid until <paramref name="Expires"/>.</summary>
public sealed record DirectUpload(string UploadId, long PartSize, IReadOnlyList<UploadPartTarget> Parts, DateTimeOffset Expires);

/// <summary>One part to send: bytes <paramref name="Offset"/> to <paramref name="Offset"/> + <paramref name="Size"/> of the file, as the body of a PUT to <paramref name="Url"/>.</summary>
public sealed record UploadPartTarget(int Number, long Offset, long Size, string Url);

/// <summary>A part the client sent, with the ETag the store answered (S3 needs it to commit; Azure does not); <c>etag</c> on the wire, as HTTP spells it.</summary>
public sealed record UploadedPart(int Number, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag);

/// <summary>The body of <c>POST /api/v1/runs/{id}/artifact-uploads</c> (the artifact's path and size) and of <c>POST /api/v1/datasets/{name}/uploads</c> (the size).</summary>
public sealed record BeginUploadRequest(string? Path, long? Size);

/// <summary>The body of <c>POST …/{upload_id}/complete</c>: the artifact's path (for a run), the file's SHA-256 (hex) and the parts sent.</summary>
public sealed record CompleteUploadRequest(string? Path, string? Sha256, IReadOnlyList<UploadedPart>? Parts);
