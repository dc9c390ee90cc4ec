namespace Gyre.Core.Data;

/// <summary>Content-addressed storage of dataset files: one file per digest, shared by every dataset that holds it.</summary>
public interface IDatasetObjectStore
{
    /// <summary>Streams content to a temporary file while hashing it; payload_too_large past <paramref name="maxBytes"/>.</summary>
    Task<IStagedObject> StageAsync(Stream content, DatasetFormat format, long maxBytes, CancellationToken ct);

    /// <summary>
    /// The local file holding a digest's content, for engines that read files (fetched into the local
    /// cache first when the content lives in an object store); not_found if missing.
    /// </summary>
    Task<string> LocalPathAsync(string digest, DatasetFormat format, CancellationToken ct);

    /// <summary>Opens the content of a digest for reading, or throws not_found.</summary>
    Task<Stream> OpenReadAsync(string digest, DatasetFormat format, CancellationToken ct);

    /// <summary>
    /// Removes a digest's content that no version holds any more, unless it was written or added again
    /// within <paramref name="grace"/> (an upload of the same content may be about to refer to it);
    /// whether it was removed.
    /// </summary>
    Task<bool> DeleteUnreferencedAsync(string digest, DatasetFormat format, TimeSpan grace, CancellationToken ct);

    /// <summary>Every content the store holds (for an object store, what is in the store, not its local cache): what gc walks.</summary>
    IAsyncEnumerable<StoredContent> ListContentAsync(CancellationToken ct);
}

/// <summary>One content of a dataset store: its digest (<c>sha256:HEX</c>), format, size and when it was last written.</summary>
public sealed record StoredContent(string Digest, DatasetFormat Format, long Size, DateTimeOffset LastModified);
