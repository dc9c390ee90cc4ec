using Gyre.Core.Search;

namespace Gyre.Storage.Sql;

/// <summary>The comparators every SQL dialect Gyre speaks (SQLite, PostgreSQL, DuckDB) writes the same way.</summary>
internal static class SqlComparators
{
    /// <summary>The operator of a comparison between two values (<c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>…); null for the comparators each dialect writes its own way.</summary>
    public static string? Binary(Comparator comparator) => comparator switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "<>",
        Comparator.Less => "<",
        Comparator.LessOrEqual => "<=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        _ => null,
    };

    /// <summary>The null tests, the same in every dialect; null for the others.</summary>
    public static string? NullTest(Comparator comparator, string column) => comparator switch
    {
        Comparator.IsNull => $"{column} IS NULL",
        Comparator.IsNotNull => $"{column} IS NOT NULL",
        _ => null,
    };
}
