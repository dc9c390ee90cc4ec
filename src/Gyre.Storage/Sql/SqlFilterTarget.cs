namespace Gyre.Storage.Sql;

/// <summary>
/// How the search language maps onto one table: the row alias, the attribute columns, and the
/// side tables that hold metrics, params and tags keyed by the row's id.
/// </summary>
internal sealed record SqlFilterTarget(
    string RowAlias,
    string IdColumn,
    IReadOnlyDictionary<string, string> AttributeColumns,
    string TagTable,
    string SideIdColumn,
    string? ParamTable = null,
    string? MetricTable = null);
