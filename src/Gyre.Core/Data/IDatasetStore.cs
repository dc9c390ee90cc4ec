using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Splits;
using Gyre.Core.Tracking;

namespace Gyre.Core.Data;

/// <summary>Where datasets, their versions, schemas, splits and reference statistics are recorded (the content lives in the object store).</summary>
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

    /// <summary>Records the outcome of validating a version: its status (validated, or failed) and the report, which the version then carries.</summary>
    Task SetValidationAsync(string name, long version, string status, Validation.ValidationReport report, CancellationToken ct);

    /// <summary>The profile recorded with a version; 0 means the latest.</summary>
    Task<DatasetProfile> GetProfileAsync(string name, long version, CancellationToken ct);

    Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, string? pageToken, CancellationToken ct);

    /// <summary>
    /// Deletes a dataset with its versions, splits, schema and reports; returns the contents (digest
    /// and format) that no version of any dataset holds any more. not_found when there is no such dataset.
    /// </summary>
    Task<IReadOnlyList<(string Digest, DatasetFormat Format)>> DeleteDatasetAsync(string name, CancellationToken ct);

    Task<Page<Dataset>> ListDatasetsAsync(int maxResults, string? pageToken, CancellationToken ct);

    /// <summary>The declared schema of a dataset, or null when none is set (or the dataset does not exist).</summary>
    Task<DatasetSchema?> GetSchemaAsync(string name, CancellationToken ct);

    /// <summary>Sets the declared schema, creating the dataset when it does not exist yet.</summary>
    Task SetSchemaAsync(string name, DatasetSchema schema, CancellationToken ct);

    /// <summary>Removes the declared schema; false when none was set.</summary>
    Task<bool> DeleteSchemaAsync(string name, CancellationToken ct);

    /// <summary>Records a fresh comparison of a version with the schema: its columns (roles, types) and mismatches.</summary>
    Task<DatasetVersion> SetSchemaCheckAsync(string name, long version, IReadOnlyList<ColumnSchema> columns, IReadOnlyList<SchemaMismatch> mismatches, CancellationToken ct);

    /// <summary>Records a split and its parts, or returns the one recorded before with the same id (<c>Created</c> false).</summary>
    Task<(DatasetSplit Split, bool Created)> AddSplitAsync(DatasetSplit split, CancellationToken ct);

    /// <summary>A recorded split by id, or null.</summary>
    Task<DatasetSplit?> FindSplitAsync(string id, CancellationToken ct);

    /// <summary>The splits recorded of a version, oldest first.</summary>
    Task<IReadOnlyList<DatasetSplit>> ListSplitsAsync(string name, long version, CancellationToken ct);

    /// <summary>The reference statistics kept for a version, or null when none were computed yet.</summary>
    Task<ReferenceStatistics?> GetReferenceAsync(string name, long version, CancellationToken ct);

    Task SetReferenceAsync(string name, long version, ReferenceStatistics statistics, CancellationToken ct);
}
