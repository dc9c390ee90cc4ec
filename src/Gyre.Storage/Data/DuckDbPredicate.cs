using Gyre.Core.Data;
using Gyre.Core.Data.Validation;
using Gyre.Core.Search;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Data;

/// <summary>
/// Compiles a parsed row predicate to a DuckDB boolean expression. Column names are quoted
/// identifiers and values quoted literals or invariant numbers: nothing from the user is spliced raw.
/// </summary>
internal static class DuckDbPredicate
{
    public static string Compile(FilterExpression expression, IReadOnlyList<ColumnSchema> columns) => expression switch
    {
        AndExpression and => $"({Compile(and.Left, columns)} AND {Compile(and.Right, columns)})",
        OrExpression or => $"({Compile(or.Left, columns)} OR {Compile(or.Right, columns)})",
        NotExpression not => $"(NOT {Compile(not.Inner, columns)})",
        ComparisonExpression c => Comparison(c, columns),
        _ => throw new InvalidOperationException($"unknown predicate node {expression.GetType().Name}"),
    };

    private static string Comparison(ComparisonExpression c, IReadOnlyList<ColumnSchema> columns)
    {
        var column = DuckDbSql.Quote(RowPredicates.ColumnName(c.Field, columns));
        var left = c.Field.Type == FilterValueType.Number ? $"{column}::DOUBLE" : $"{column}::VARCHAR";
        string Value() => c.Value is double d ? DuckDbSql.Number(d) : DuckDbSql.Literal((string)c.Value!);
        string List() => string.Join(", ", ((IReadOnlyList<string>)c.Value!).Select(DuckDbSql.Literal));
        if (SqlComparators.Binary(c.Comparator) is { } op)
        {
            return $"{left} {op} {Value()}";
        }
        return SqlComparators.NullTest(c.Comparator, column) ?? c.Comparator switch
        {
            Comparator.Like => $"{left} LIKE {Value()}",
            Comparator.ILike => $"{left} ILIKE {Value()}",
            Comparator.In => $"{left} IN ({List()})",
            Comparator.NotIn => $"{left} NOT IN ({List()})",
            _ => throw new InvalidOperationException($"unknown comparator {c.Comparator}"),
        };
    }
}
