using Gyre.Core.Search;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Sql;

/// <summary>Pages of a search: a query asks for one row more than the page holds, to learn whether another page follows.</summary>
internal static class SqlPages
{
    /// <summary>Trims the one extra row and, when there was one, adds the token of the next page.</summary>
    public static Page<T> ToPage<T>(IReadOnlyList<T> rows, int maxResults, long offset, string fingerprint) =>
        rows.Count > maxResults
            ? new Page<T>(rows.Take(maxResults).ToList(), PageToken.Encode(offset + maxResults, fingerprint))
            : new Page<T>(rows, null);
}
