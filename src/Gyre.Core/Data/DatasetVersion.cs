namespace Gyre.Core.Data;

/// <summary>
/// An immutable version of a dataset, addressed by the SHA-256 of its content
/// (<paramref name="Digest"/> is <c>sha256:HEX</c>) and numbered 1, 2, 3... per dataset.
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
    long CreationTime);
