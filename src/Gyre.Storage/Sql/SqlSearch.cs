using System.Data.Common;
using Gyre.Core.Search;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Sql;

/// <summary>
/// A search request compiled for SQL: its filter and ordering parsed against the entity's schema
/// and compiled to a parameterised <c>WHERE</c> and <c>ORDER BY</c>, and the page it resumes after
/// (<see cref="SqlKeyset"/>). A token is valid only for the same search.
/// </summary>
internal sealed record SqlSearch(SqlFilterCompiler Compiler, string Where, SqlKeyset Keyset)
{
    public IReadOnlyList<SortKey> Keys => Keyset.Keys;

    public string OrderBy => Keyset.OrderBy;

    /// <summary>The condition that resumes after the previous page.</summary>
    public string After => Keyset.After;

    /// <summary>The sort keys as extra result columns, for the token of the next page: append after the columns a query reads.</summary>
    public string KeyColumns => string.Join(", ", Keys.Select((k, i) => $"{k.Expression} AS page_key{i}"));

    /// <summary>Compiles a search; <paramref name="fingerprint"/> is what makes it the same search (the entity, its filter, ordering, view…): its page tokens are refused by any other.</summary>
    public static SqlSearch Compile(string? filter, IReadOnlyList<string>? orderBy, string? pageToken, FilterSchema schema, SqlFilterTarget target,
        IReadOnlyList<SortKey> defaultOrder, string fingerprint, SqlDialect dialect)
    {
        var parsed = FilterParser.Parse(filter, schema);
        var order = FilterParser.ParseOrderBy(orderBy, schema);
        var compiler = new SqlFilterCompiler(target, dialect);
        var where = compiler.Where(parsed);
        var keys = compiler.SortKeys(order, defaultOrder, parsed);
        return new SqlSearch(compiler, where, SqlKeyset.Open(keys, pageToken, fingerprint, compiler.Bind, dialect));
    }

    /// <summary>The sort keys of a row, read from the <see cref="KeyColumns"/> that start at <paramref name="first"/>.</summary>
    public object?[] ReadKeys(DbDataReader reader, int first)
    {
        var keys = new object?[Keys.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = reader.IsDBNull(first + i) ? null : reader.GetValue(first + i) switch
            {
                int n => (long)n,
                var value => value,
            };
        }
        return keys;
    }

    /// <summary>Trims the one extra row fetched to learn whether another page follows; the token resumes after the last row kept.</summary>
    public Page<T> ToPage<T>(IReadOnlyList<(T Item, object?[] Keys)> rows, int maxResults)
    {
        var page = Keyset.ToPage(rows, maxResults, r => r.Keys);
        return new Page<T>(page.Items.Select(r => r.Item).ToList(), page.NextPageToken);
    }
}
