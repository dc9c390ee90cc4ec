using Gyre.Core.Search;

namespace Gyre.Core.Data.Validation;

/// <summary>
/// Row-level predicates of the <c>satisfies</c> constraint are written in Gyre's search language
/// with the dataset's columns as fields: <c>amount &gt;= 0 AND (country IN ('DE', 'FR') OR vip = 'true')</c>.
/// Numeric columns compare as numbers, all others as strings; a column named like a keyword or
/// with spaces is written <c>attributes."my column"</c>.
/// </summary>
public static class RowPredicates
{
    public static FilterSchema Schema(IReadOnlyList<ColumnSchema> columns) => new(
        [],
        columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(
            g => g.Key,
            g => g.First().Type is ColumnType.Integer or ColumnType.Float ? FilterValueType.Number : FilterValueType.String,
            StringComparer.OrdinalIgnoreCase));

    public static FilterExpression Parse(string? predicate, IReadOnlyList<ColumnSchema> columns, string field) =>
        FilterParser.Parse(predicate, Schema(columns), field)
            ?? throw Errors.GyreException.Invalid($"{field}: satisfies needs a predicate such as \"amount >= 0\"");

    /// <summary>The column a parsed field names (the parser folds attribute names to lower case).</summary>
    public static string ColumnName(FieldRef field, IReadOnlyList<ColumnSchema> columns) =>
        columns.First(c => c.Name.Equals(field.Key, StringComparison.OrdinalIgnoreCase)).Name;
}
