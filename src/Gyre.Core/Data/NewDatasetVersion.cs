using Gyre.Core.Data.Schemas;

namespace Gyre.Core.Data;

/// <summary>
/// A version to record: the content is already in the object store under its digest. The columns
/// are the file's, with the roles and types of the declared schema applied.
/// </summary>
public sealed record NewDatasetVersion(
    string Digest,
    DatasetFormat Format,
    long SizeBytes,
    DatasetFile File,
    string? Source,
    ReadOptions Options,
    IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<SchemaMismatch> Mismatches,
    DatasetDerivation? DerivedFrom = null);
