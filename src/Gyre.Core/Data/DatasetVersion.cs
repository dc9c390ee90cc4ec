using Gyre.Core.Data.Schemas;

namespace Gyre.Core.Data;

/// <summary>
/// An immutable version of a dataset, addressed by the SHA-256 of its content
/// (<paramref name="Digest"/> is <c>sha256:HEX</c>) and numbered 1, 2, 3... per dataset.
/// <paramref name="Status"/> is <c>ready</c>, <c>validated</c>, or <c>failed</c> (an error constraint
/// failed, or the columns do not match the declared schema: nothing trains on a failed version).
/// <c>ReadOptions</c> say how the file is read (every reading of the version uses them);
/// <c>SkippedRows</c> are the malformed rows skipped under <see cref="BadRowPolicy.Skip"/>;
/// <c>SchemaMismatches</c> say how the columns differ from the declared schema; <c>DerivedFrom</c>
/// names the split a derived version is a part of.
/// </summary>
public sealed record DatasetVersion(
    string Name,
    long Version,
    string Digest,
    DatasetFormat Format,
    long Rows,
    long SizeBytes,
    IReadOnlyList<ColumnSchema> Columns,
    string? Source,
    string Status,
    long CreationTime,
    ReadOptions? ReadOptions = null,
    BadRows? SkippedRows = null,
    IReadOnlyList<SchemaMismatch>? SchemaMismatches = null,
    DatasetDerivation? DerivedFrom = null,
    Validation.ValidationReport? Validation = null)
{
    /// <summary>The options every reading of this version must use.</summary>
    public ReadOptions Reading => ReadOptions ?? Data.ReadOptions.Default;
}
