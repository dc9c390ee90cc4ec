using Gyre.Core.Data.Schemas;

namespace Gyre.Core.Data;

/// <summary>
/// What reading a dataset file found: its rows, its columns, its profile, the malformed rows it
/// skipped (when the policy allows it) and the values outside declared domains.
/// </summary>
public sealed record DatasetFile(
    long Rows,
    IReadOnlyList<ColumnSchema> Columns,
    DatasetProfile Profile,
    BadRows? Skipped = null,
    IReadOnlyList<DomainViolation>? DomainViolations = null);
