namespace Gyre.Storage.Sql;

/// <summary>
/// How the search language maps onto one table: the row alias, the attribute columns, and the
/// side tables that hold metrics, params and tags. Tags and params join on <c>SideIdColumn</c> =
/// the row's <c>IdColumn</c>; metrics join on <c>MetricKeyColumn</c>, named alike on both sides.
/// </summary>
internal sealed record SqlFilterTarget(
    string RowAlias,
    string IdColumn,
    IReadOnlyDictionary<string, string> AttributeColumns,
    string TagTable,
    string SideIdColumn,
    string? ParamTable = null,
    string? MetricTable = null,
    string? MetricKeyColumn = null);
