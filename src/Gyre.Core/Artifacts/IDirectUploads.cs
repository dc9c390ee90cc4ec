namespace Gyre.Core.Artifacts;

/// <summary>
/// Uploads that go from the client straight to an object store, part by part over pre-signed URLs
/// (S3 multipart part URLs, Azure block URLs with a SAS), so that a large file never passes through
/// the server: the server begins the upload, hands out the URLs, and at the end commits the parts,
/// reads the object back to check the client's SHA-256, and records it. An artifact store that keeps
/// files on the server's disk does not offer them.
/// </summary>
public interface IDirectUploads
{
    Task<DirectUpload> BeginAsync(string root, ArtifactPath path, long size, CancellationToken ct);

    /// <summary>Commits the parts and checks the object against <paramref name="sha256"/> (hex); a mismatch removes it and is refused.</summary>
    Task<ArtifactInfo> CompleteAsync(string root, ArtifactPath path, string uploadId, IReadOnlyList<UploadedPart> parts, string sha256, CancellationToken ct);

    /// <summary>Gives up an upload's parts.</summary>
    Task AbortAsync(string root, ArtifactPath path, string uploadId, CancellationToken ct);
}

/// <summary>An upload begun: its id, and each part's place in the file and the URL to PUT its bytes to, valid until <paramref name="Expires"/>.</summary>
public sealed record DirectUpload(string UploadId, long PartSize, IReadOnlyList<UploadPartTarget> Parts, DateTimeOffset Expires);

/// <summary>One part to send: bytes <paramref name="Offset"/> to <paramref name="Offset"/> + <paramref name="Size"/> of the file, as the body of a PUT to <paramref name="Url"/>.</summary>
public sealed record UploadPartTarget(int Number, long Offset, long Size, string Url);

/// <summary>A part the client sent, with the ETag the store answered (S3 needs it to commit; Azure does not); <c>etag</c> on the wire, as HTTP spells it.</summary>
public sealed record UploadedPart(int Number, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag);

/// <summary>The body of <c>POST /api/v1/runs/{id}/artifact-uploads</c>: the artifact's path and its size in bytes.</summary>
public sealed record BeginUploadRequest(string? Path, long? Size);

/// <summary>The body of <c>POST …/artifact-uploads/{upload_id}/complete</c>: the path again, the file's SHA-256 (hex) and the parts sent.</summary>
public sealed record CompleteUploadRequest(string? Path, string? Sha256, IReadOnlyList<UploadedPart>? Parts);
