using Gyre.Core.Search;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Sql;

/// <summary>
/// Keyset paging over one ordering: the page token holds the sort keys of the last row a page
/// returned, and the next page asks for the rows after it, so rows inserted or deleted meanwhile
/// never make a later page repeat or skip a row. The ordering's last key must be unique.
/// </summary>
internal sealed class SqlKeyset
{
    private SqlKeyset(IReadOnlyList<SortKey> keys, string after, string fingerprint)
    {
        Keys = keys;
        After = after;
        Fingerprint = fingerprint;
    }

    public IReadOnlyList<SortKey> Keys { get; }

    /// <summary>The condition that keeps only the rows after the previous page's last one; <c>TRUE</c> on the first page.</summary>
    public string After { get; }

    /// <summary>What makes it the same listing: its tokens are refused by any other.</summary>
    public string Fingerprint { get; }

    public string OrderBy => string.Join(", ", Keys);

    /// <summary>Reads the token (if any) and binds the last row's keys through <paramref name="bind"/>, which returns each parameter's name.</summary>
    public static SqlKeyset Open(IReadOnlyList<SortKey> keys, string? pageToken, string fingerprint, Func<object?, string> bind, SqlDialect dialect)
    {
        var last = PageToken.Decode(pageToken, fingerprint, keys.Count);
        return new SqlKeyset(keys, last is null ? "TRUE" : AfterRow(keys, last, bind, dialect), fingerprint);
    }

    /// <summary>For a listing with parameters of its own: binds as <c>@after0</c>, <c>@after1</c>… into <paramref name="parameters"/>.</summary>
    public static SqlKeyset Open(IReadOnlyList<SortKey> keys, string? pageToken, string fingerprint, List<(string, object?)> parameters, SqlDialect dialect) =>
        Open(keys, pageToken, fingerprint, value =>
        {
            var name = $"@after{parameters.Count}";
            parameters.Add((name, value));
            return name;
        }, dialect);

    /// <summary>Trims the one extra row fetched to learn whether another page follows; the token resumes after the last row kept.</summary>
    public Page<T> ToPage<T>(IReadOnlyList<T> rows, int maxResults, Func<T, object?[]> keysOf) =>
        rows.Count > maxResults
            ? new Page<T>(rows.Take(maxResults).ToList(), PageToken.Encode(keysOf(rows[maxResults - 1]), Fingerprint))
            : new Page<T>(rows, null);

    /// <summary>
    /// Rows that sort after <paramref name="last"/>: the first key later, or the first equal and the
    /// second later, and so on. Equality is NULL-safe; a NULL is later than nothing (the key before
    /// it, its NULL flag, already placed it).
    /// </summary>
    private static string AfterRow(IReadOnlyList<SortKey> keys, object?[] last, Func<object?, string> bind, SqlDialect dialect)
    {
        var bound = last.Select(bind).ToArray();
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
