namespace Gyre.Core.Artifacts;

/// <summary>
/// Stores artifact files under roots (one per run). A write is all or nothing: a failed or
/// oversized upload leaves no file behind.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Streams <paramref name="content"/> into place; throws payload_too_large past <paramref name="maxBytes"/>.</summary>
    Task<ArtifactInfo> WriteAsync(string root, ArtifactPath path, Stream content, long maxBytes, CancellationToken ct);

    /// <summary>Opens a file for reading, or throws not_found.</summary>
    Task<Stream> OpenReadAsync(string root, ArtifactPath path, CancellationToken ct);

    /// <summary>Opens a file for a download over HTTP (ranges, entity tags), or throws not_found.</summary>
    Task<ArtifactDownload> OpenDownloadAsync(string root, ArtifactPath path, CancellationToken ct);

    /// <summary>Every file under a root at any depth, or in the whole store when <paramref name="root"/> is null: what gc and a home move walk.</summary>
    IAsyncEnumerable<StoredArtifact> ListAllAsync(string? root, CancellationToken ct);

    /// <summary>The direct children of a directory (the root when <paramref name="path"/> is empty).</summary>
    Task<IReadOnlyList<ArtifactInfo>> ListAsync(string root, ArtifactPath path, CancellationToken ct);

    Task<bool> ExistsAsync(string root, ArtifactPath path, CancellationToken ct);

    /// <summary>Removes one file, if it is there.</summary>
    Task DeleteAsync(string root, ArtifactPath path, CancellationToken ct);

    /// <summary>Removes a whole root; used when a run is purged.</summary>
    Task DeleteRootAsync(string root, CancellationToken ct);
}
