namespace Gyre.Core.Data;

/// <summary>Content-addressed storage of dataset files: one file per digest, shared by every dataset that holds it.</summary>
public interface IDatasetObjectStore
{
    /// <summary>Streams content to a temporary file while hashing it; payload_too_large past <paramref name="maxBytes"/>.</summary>
    Task<IStagedObject> StageAsync(Stream content, DatasetFormat format, long maxBytes, CancellationToken ct);

    /// <summary>The local file holding a digest's content, for engines that read files; not_found if missing.</summary>
    string LocalPath(string digest, DatasetFormat format);

    /// <summary>Opens the content of a digest for reading, or throws not_found.</summary>
    Stream OpenRead(string digest, DatasetFormat format);

    /// <summary>
    /// Removes a digest's content that no version holds any more, unless it was written or added again
    /// within <paramref name="grace"/> (an upload of the same content may be about to refer to it);
    /// whether it was removed.
    /// </summary>
    bool DeleteUnreferenced(string digest, DatasetFormat format, TimeSpan grace);
}
