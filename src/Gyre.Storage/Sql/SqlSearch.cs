using System.Data.Common;
using Gyre.Core.Search;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Sql;

/// <summary>
/// A search request compiled for SQL: its filter and ordering parsed against the entity's schema
/// and compiled to a parameterised <c>WHERE</c> and <c>ORDER BY</c>, and the condition that resumes
/// after the last row of the previous page (keyset paging: the token holds that row's sort keys, so
/// rows inserted or deleted meanwhile never make a later page repeat or skip a row). A token is
/// valid only for the same search (<paramref name="Fingerprint"/>).
/// </summary>
internal sealed record SqlSearch(SqlFilterCompiler Compiler, string Where, IReadOnlyList<SortKey> Keys, string After, string Fingerprint)
{
    public string OrderBy => string.Join(", ", Keys);

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
        var after = PageToken.DecodeKeys(pageToken, fingerprint, keys.Count) is { } last ? AfterRow(keys, last, compiler, dialect) : "TRUE";
        return new SqlSearch(compiler, where, keys, after, fingerprint);
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
                bool b => b ? 1L : 0L,
                var value => value,
            };
        }
        return keys;
    }

    /// <summary>Trims the one extra row fetched to learn whether another page follows; the token resumes after the last row kept.</summary>
    public Page<T> ToPage<T>(IReadOnlyList<(T Item, object?[] Keys)> rows, int maxResults) =>
        rows.Count > maxResults
            ? new Page<T>(rows.Take(maxResults).Select(r => r.Item).ToList(), PageToken.EncodeKeys(rows[maxResults - 1].Keys, Fingerprint))
            : new Page<T>(rows.Select(r => r.Item).ToList(), null);

    /// <summary>
    /// Rows that sort after <paramref name="last"/>: the first key later, or the first equal and the
    /// second later, and so on. Equality is NULL-safe; a NULL is later than nothing (the key before
    /// it, its NULL flag, already placed it).
    /// </summary>
    private static string AfterRow(IReadOnlyList<SortKey> keys, object?[] last, SqlFilterCompiler compiler, SqlDialect dialect)
    {
        var bound = last.Select(compiler.Bind).ToArray();
        var alternatives = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (last[i] is null)
            {
                continue;
            }
            var equalBefore = Enumerable.Range(0, i).Select(j => dialect.NullSafeEqual(keys[j].Expression, bound[j]));
            var later = $"{keys[i].Expression} {(keys[i].Descending ? "<" : ">")} {bound[i]}";
            alternatives.Add($"({string.Join(" AND ", equalBefore.Append(later))})");
        }
        return alternatives.Count == 0 ? "FALSE" : $"({string.Join(" OR ", alternatives)})";
    }
}
