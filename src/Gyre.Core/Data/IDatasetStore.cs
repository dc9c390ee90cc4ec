using Gyre.Core.Tracking;

namespace Gyre.Core.Data;

/// <summary>Where datasets and their versions are recorded (the content lives in the object store).</summary>
public interface IDatasetStore
{
    /// <summary>The version of <paramref name="name"/> with this digest, if one exists.</summary>
    Task<DatasetVersion?> FindByDigestAsync(string name, string digest, CancellationToken ct);

    /// <summary>
    /// Records the next version (creating the dataset on first use); when a version with the same
    /// digest exists already, returns it with <c>Created</c> false.
    /// </summary>
    Task<(DatasetVersion Version, bool Created)> AddVersionAsync(string name, NewDatasetVersion version, CancellationToken ct);

    /// <summary>A version by number; 0 means the latest.</summary>
    Task<DatasetVersion> GetVersionAsync(string name, long version, CancellationToken ct);

    /// <summary>Records a version's status: ready, validated or failed.</summary>
    Task SetStatusAsync(string name, long version, string status, CancellationToken ct);

    /// <summary>The profile recorded with a version; 0 means the latest.</summary>
    Task<DatasetProfile> GetProfileAsync(string name, long version, CancellationToken ct);

    Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, string? pageToken, CancellationToken ct);

    Task<Page<Dataset>> ListDatasetsAsync(int maxResults, string? pageToken, CancellationToken ct);
}
