namespace Gyre.Core.Data;

/// <summary>How storage types map to <see cref="ColumnType"/>.</summary>
public static class ColumnTypes
{
    /// <summary>At most this many distinct values always make a string column categorical.</summary>
    public const int CategoricalMaxDistinct = 50;

    /// <summary>
    /// A string column is categorical when it has at most <see cref="CategoricalMaxDistinct"/>
    /// distinct values, or when its distinct values are at most 5 % of its non-missing values.
    /// </summary>
    public static bool IsCategorical(long distinct, long nonMissing) =>
        distinct <= CategoricalMaxDistinct || distinct <= nonMissing * 0.05;

    /// <summary>The type of a DuckDB column type name, or null for a string type that needs its distinct count.</summary>
    public static ColumnType? FromEngineType(string engineType)
    {
        var type = engineType.ToUpperInvariant();
        if (type is "BOOLEAN")
        {
            return ColumnType.Boolean;
        }
        if (type is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT")
        {
            return ColumnType.Integer;
        }
        if (type is "FLOAT" or "DOUBLE" or "REAL" || type.StartsWith("DECIMAL", StringComparison.Ordinal))
        {
            return ColumnType.Float;
        }
        if (type is "DATE" or "TIME" || type.StartsWith("TIMESTAMP", StringComparison.Ordinal))
        {
            return ColumnType.Datetime;
        }
        return null;
    }
}
